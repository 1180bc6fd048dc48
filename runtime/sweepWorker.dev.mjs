// Runs the TypeScript sweep worker from sources (npm run sim): tsx's loader does not reach worker threads by itself.
import { register } from 'tsx/esm/api';

register();
await import('./sweepWorker.ts');
