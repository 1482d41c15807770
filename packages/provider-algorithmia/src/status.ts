import { createStatusMapper } from '@modelship/core';

/** Algorithmia build states (`in-progress`, `succeeded`, `failed`) in the unified vocabulary. */
export const mapBuildStatus = createStatusMapper({
  'in-progress': 'running',
  succeeded: 'succeeded',
  failed: 'failed',
});
