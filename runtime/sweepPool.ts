/**
 * Runs a sweep's seeds on `jobs` worker threads (in this thread when jobs is 1), reporting each
 * result as it arrives. Results are returned in seed order, so a sweep's output does not depend
 * on which thread finished first.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runSeed, type SeedResult } from './sweep.js';
import type { StormMode, StormVariant } from './storm.js';

export interface SweepOptions { seeds: number[]; mode: StormMode; jobs: number; checkDeterminism: boolean; coverage?: boolean; variant?: StormVariant; onResult?: (result: SeedResult) => void }

/** The worker entry: the built .js file, or a shim that loads the .ts sources through tsx. */
function workerUrl(): URL {
  const fromSources = extname(fileURLToPath(import.meta.url)) === '.ts';
  return new URL(fromSources ? './sweepWorker.dev.mjs' : './sweepWorker.js', import.meta.url);
}

export async function runSweep(options: SweepOptions): Promise<SeedResult[]> {
  const results: SeedResult[] = [];
  const record = (r: SeedResult) => {
    results.push(r);
    options.onResult?.(r);
  };
  const jobs = Math.max(1, Math.min(options.jobs, options.seeds.length));
  if (jobs === 1) {
    for (const seed of options.seeds) record(runSeed(seed, options.mode, { checkDeterminism: options.checkDeterminism, coverage: options.coverage ?? false, variant: options.variant ?? {} }));
  } else {
    // Round-robin so every thread gets early and late seeds alike.
    const shares = Array.from({ length: jobs }, (_, i) => options.seeds.filter((_, k) => k % jobs === i));
    await Promise.all(shares.map((seeds) => new Promise<void>((resolve, reject) => {
      const worker = new Worker(workerUrl(), { workerData: { seeds, mode: options.mode, checkDeterminism: options.checkDeterminism, coverage: options.coverage ?? false, variant: options.variant ?? {} } });
      let left = seeds.length;
      worker.on('message', (r: SeedResult) => {
        record(r);
        if (--left === 0) void worker.terminate().then(() => resolve());
      });
      worker.on('error', reject);
      worker.on('exit', (code) => (left > 0 ? reject(new Error(`a sweep worker exited with code ${code} before finishing its seeds`)) : resolve()));
    })));
  }
  return results.sort((a, b) => a.seed - b.seed);
}
