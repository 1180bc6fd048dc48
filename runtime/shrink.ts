/**
 * Shrinks a failing scenario's fault plan: removes faults one at a time while the run still
 * fails the same way, until removing any single remaining fault makes the failure go away
 * (a 1-minimal plan). Storm plans are short, so this is exhaustive enough and deterministic.
 */
type Json = Record<string, unknown>;

export function shrinkFaults(scenario: Json, stillFails: (candidate: Json) => boolean, maxRuns = 200): { scenario: Json; runs: number } {
  let faults = [...((scenario['faults'] as unknown[] | undefined) ?? [])];
  let runs = 0;
  for (let i = 0; i < faults.length && runs < maxRuns;) {
    const candidate = { ...scenario, faults: faults.filter((_, k) => k !== i) };
    runs++;
    if (stillFails(candidate)) faults = candidate.faults;
    else i++;
  }
  return { scenario: { ...scenario, faults }, runs };
}
