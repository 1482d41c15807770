import { createStatusMapper, type MappedStatus } from '@modelship/core';

// KFP run states come capitalised ("Succeeded"), MLRun's own run states lowercase ("completed").
const workflowTable = createStatusMapper({
  pending: 'pending',
  created: 'pending',
  running: 'running',
  terminating: 'running',
  succeeded: 'succeeded',
  completed: 'succeeded',
  failed: 'failed',
  error: 'failed',
  skipped: 'stopped',
  aborted: 'stopped',
  aborting: 'running',
});

/** Maps a workflow (pipeline) state; `raw` keeps MLRun's spelling. */
export function mapWorkflowState(raw: string | undefined | null): MappedStatus {
  return { unified: workflowTable(raw?.toLowerCase()).unified, raw: raw ?? '' };
}

/** Nuclio function states as `x-mlrun-function-status` reports them. */
export const mapFunctionState = createStatusMapper({
  ready: 'deployed',
  scaledToZero: 'deployed',
  building: 'deploying',
  deploying: 'deploying',
  waitingForResourceConfiguration: 'deploying',
  waitingForBuild: 'deploying',
  error: 'failed',
  unhealthy: 'failed',
  imported: 'pending',
});

export function isTerminalFunctionState(raw: string): boolean {
  return ['ready', 'scaledToZero', 'error', 'unhealthy'].includes(raw);
}
