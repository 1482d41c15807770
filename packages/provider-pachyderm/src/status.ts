import { createStatusMapper } from '@modelship/core';

/** pps_v2.JobState names (pps.proto). JOB_EGRESSING/JOB_FINISHING still write output: not terminal. */
export const mapJobState = createStatusMapper({
  JOB_STATE_UNKNOWN: 'unknown',
  JOB_CREATED: 'pending',
  JOB_STARTING: 'pending',
  JOB_RUNNING: 'running',
  JOB_EGRESSING: 'running',
  JOB_FINISHING: 'running',
  JOB_SUCCESS: 'succeeded',
  JOB_FAILURE: 'failed',
  JOB_KILLED: 'stopped',
  JOB_UNRUNNABLE: 'failed',
});

export const terminalJobStates: ReadonlySet<string> = new Set([
  'JOB_SUCCESS',
  'JOB_FAILURE',
  'JOB_KILLED',
  'JOB_UNRUNNABLE',
]);

/** pps_v2.PipelineState names; a serving pipeline is "deployed" while it runs or waits for input. */
export const mapPipelineState = createStatusMapper({
  PIPELINE_STARTING: 'deploying',
  PIPELINE_RUNNING: 'deployed',
  PIPELINE_STANDBY: 'deployed',
  PIPELINE_PAUSED: 'stopped',
  PIPELINE_RESTARTING: 'deploying',
  PIPELINE_CRASHING: 'failed',
  PIPELINE_FAILURE: 'failed',
});
