import type { MappedStatus } from '@modelship/core';

export interface RunFacts {
  successful: boolean;
  finished: boolean;
  /** A step whose task finished unsuccessfully (only looked up for unfinished runs). */
  failedStep?: string | null;
}

/** Metaflow has no state string; `raw` names the facts the mapping used. */
export function mapRunStatus(run: RunFacts, exitCode?: number): MappedStatus {
  if (run.successful && exitCode !== undefined && exitCode !== 0)
    return { unified: 'failed', raw: `successful, but the command exited ${exitCode}` };
  if (run.successful) return { unified: 'succeeded', raw: 'successful' };
  if (run.finished) return { unified: 'failed', raw: 'finished, not successful' };
  if (run.failedStep) return { unified: 'failed', raw: `step ${run.failedStep} failed` };
  if (exitCode !== undefined) return { unified: 'failed', raw: `not finished, command exited ${exitCode}` };
  return { unified: 'running', raw: 'not finished' };
}
