/**
 * The coverage JSON that `run --coverage-file` and `sweep --coverage-file` write and
 * `diagram --coverage` reads: runtime/coverage.ts's CoverageData (reached state ids and
 * `<source> on <event>` transition keys, per machine id).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { Coverage, CoverageData } from '../coverage.js';
import { ScenarioError } from '../scenario.js';

const perMachine = z.record(z.string(), z.array(z.string()));
const coverageSchema = z.object({ states: perMachine, transitions: perMachine, branches: perMachine.optional() }).strict();

export function writeCoverageFile(file: string, coverage: Coverage): void {
  writeFileSync(file, `${JSON.stringify(coverage.toJSON(), null, 2)}\n`);
}

/** Reads and checks a coverage file; bad input is a ScenarioError naming the file, the field and the rule. */
export function readCoverageFile(file: string): CoverageData {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScenarioError(file, '', `cannot read the coverage file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(file, '', `not JSON (${(e as Error).message})`);
  }
  const result = coverageSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ScenarioError(file, issue.path.join('.') || '(top level)', `${issue.message} (expected the JSON that run --coverage-file writes)`);
  }
  return result.data;
}
