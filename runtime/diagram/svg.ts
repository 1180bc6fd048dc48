/**
 * SVG of a statechart, laid out by Graphviz (compiled to WebAssembly by @viz-js/viz: no native
 * binary, no network) from the DOT of dot.ts.
 */
import { instance, type Viz } from '@viz-js/viz';
import { toDot } from './dot.js';
import type { DiagramModel } from './model.js';
import type { Visited } from './visited.js';

let viz: Promise<Viz> | undefined;

export async function toSvg(model: DiagramModel, visited?: Visited): Promise<string> {
  viz ??= instance();
  const result = (await viz).render(toDot(model, visited), { format: 'svg', engine: 'dot' });
  if (result.status !== 'success') throw new Error(`Graphviz could not lay out ${model.machine}: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.output;
}
