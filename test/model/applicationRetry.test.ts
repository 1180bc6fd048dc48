import { describe, expect, it } from 'vitest';
import { describePath, modelPaths, walkPath } from '../support/modelBased.js';
import { applicationRetryAdapter } from './applicationRetry.model.js';

const paths = modelPaths(applicationRetryAdapter);
const view = (v: unknown) => v as { state: string; retryCount: number; executors?: string[] };

describe("The Master's application retry count (ApplicationInfo, spark.deploy.maxExecutorRetries = 2) on the assembled cluster", () => {
  it('generates paths to removal, to a count at the limit kept alive by a RUNNING executor, and through resets', () => {
    const ends = paths.map((p) => view(p.steps.at(-1)!.value));
    expect(ends.some((v) => v.state === 'FAILED')).toBe(true);
    expect(ends.some((v) => v.state === 'RUNNING' && v.retryCount === 2 && v.executors!.includes('RUNNING'))).toBe(true);
    // Every state with the count at the limit has an executor RUNNING: otherwise the app would have been removed.
    const states = paths.flatMap((p) => p.steps.map((s) => view(s.value)));
    expect(states.filter((v) => v.state === 'RUNNING' && v.retryCount === 2).every((v) => v.executors!.includes('RUNNING'))).toBe(true);
  });

  it.each(paths.map((p) => [describePath(p), p] as const))('%s', (_, path) => {
    walkPath(applicationRetryAdapter, path);
  });
});
