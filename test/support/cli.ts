/** Runs the command line from the sources as a user runs it: a real process, its exit code, stdout and stderr. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');
export const tsx = join(root, 'node_modules', '.bin', 'tsx');

export function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(tsx, [join(root, 'runtime', 'cli.ts'), ...args], { encoding: 'utf8', cwd: root });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
