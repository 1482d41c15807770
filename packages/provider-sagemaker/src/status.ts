// SageMaker states → modelship's unified vocabulary, keeping the raw value.
import { createStatusMapper } from '@modelship/core';

export const mapTrainingJobStatus = createStatusMapper({
  InProgress: 'running',
  Completed: 'succeeded',
  Failed: 'failed',
  Stopping: 'running',
  Stopped: 'stopped',
});

export const mapPipelineExecutionStatus = createStatusMapper({
  Executing: 'running',
  Stopping: 'running',
  Stopped: 'stopped',
  Failed: 'failed',
  Succeeded: 'succeeded',
});

export const mapModelApprovalStatus = createStatusMapper({
  PendingManualApproval: 'pending-approval',
  Approved: 'approved',
  Rejected: 'rejected',
});

export const mapEndpointStatus = createStatusMapper({
  OutOfService: 'failed',
  Creating: 'deploying',
  Updating: 'deploying',
  SystemUpdating: 'deploying',
  RollingBack: 'deploying',
  InService: 'deployed',
  Deleting: 'deploying',
  Failed: 'failed',
  UpdateRollbackFailed: 'failed',
});
