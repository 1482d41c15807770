import type { MappedStatus } from '@modelship/core';

// A training run that ended without succeeding must fail the CI step that ran it: the JSON still
// says why, but a step that exits 0 on a failed run lets the pipeline carry on as if it had passed.
const unsuccessful = new Set(['failed', 'stopped', 'rejected']);

/** Why a train result should fail its command, or undefined when it succeeded (or is still going). */
export function trainFailure(model: string, runId: string, status: MappedStatus): string | undefined {
  if (!unsuccessful.has(status.unified)) return undefined;
  return `training ${model} did not succeed: run ${runId} is ${status.unified}${status.raw ? ` (${status.raw})` : ''}`;
}
