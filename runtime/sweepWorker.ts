/** A sweep worker thread: runs the seeds it is given and posts each result back. */
import { parentPort, workerData } from 'node:worker_threads';
import { runSeed } from './sweep.js';
import type { StormMode, StormVariant } from './storm.js';

const { seeds, mode, checkDeterminism, coverage, variant } = workerData as { seeds: number[]; mode: StormMode; checkDeterminism: boolean; coverage: boolean; variant: StormVariant };
for (const seed of seeds) parentPort!.postMessage(runSeed(seed, mode, { checkDeterminism, coverage, variant }));
