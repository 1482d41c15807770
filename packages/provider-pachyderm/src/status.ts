// Status: pps job and pipeline states → unified ones (keeping the raw name), and the status verb:
// a stage's branch head (`inspect branch`) or, without a stage, the pipeline's state.
import {
  createStatusMapper,
  ErrorCode,
  ModelshipError,
  type ProviderContext,
  type StatusInput,
  type StatusResult,
  throwIfAborted,
} from '@modelship/core';
import type { Pachctl } from './client.js';
import { branchInfoSchema, commitInfoSchema, pipelineInfoSchema } from './schemas.js';
import { assertName, type ResolvedSettings } from './settings.js';
import { stageBranch } from './tag.js';

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

/** The commit `<repo>@<branch>` points at, or undefined when the branch does not exist. */
export async function branchHead(
  pachctl: Pachctl,
  repo: string,
  branch: string,
): Promise<string | undefined> {
  try {
    const info = await pachctl.read(
      ['inspect', 'branch', `${repo}@${branch}`],
      branchInfoSchema,
      'status (inspect branch)',
    );
    return info.head?.id;
  } catch (error) {
    if (ModelshipError.hasCode(error, ErrorCode.NotFound)) return undefined;
    throw error;
  }
}

/**
 * The tag `tag` wrote for `stage` into the commit's metadata (`modelship.tag.<stage>`), read back
 * with `inspect commit`; empty when it has none (never tagged, removed, or pachctl < 2.10).
 */
export async function commitTags(pachctl: Pachctl, repo: string, commit: string, stage: string) {
  const info = await pachctl.read(
    ['inspect', 'commit', `${repo}@${commit}`],
    commitInfoSchema,
    'status (inspect commit)',
  );
  return info.metadata?.[`modelship.tag.${stage}`] ?? '';
}

export async function status(
  pachctl: Pachctl,
  resolved: ResolvedSettings,
  input: StatusInput,
  context: ProviderContext,
): Promise<StatusResult> {
  throwIfAborted(context.signal, 'status');
  const repo = assertName(input.refs?.repo ?? resolved.settings.modelRepo ?? input.model.name, 'repo');
  if (!input.stage) {
    const info = await pachctl.read(
      ['inspect', 'pipeline', repo],
      pipelineInfoSchema,
      'status (inspect pipeline)',
    );
    return {
      status: mapPipelineState(info.state),
      refs: { repo, ...(info.spec_commit?.id ? { specCommit: info.spec_commit.id } : {}) },
    };
  }
  const branch = stageBranch(resolved, input.stage);
  const head = await branchHead(pachctl, repo, branch);
  const expected = input.refs?.commit;
  if (!head) {
    const tags = expected ? await commitTags(pachctl, repo, expected, input.stage) : '';
    const raw = `${repo}@${branch} has no head`;
    return { status: { unified: 'pending', raw }, refs: { repo, branch, tags } };
  }
  const matches = !expected || expected === head;
  const tags = await commitTags(pachctl, repo, expected ?? head, input.stage);
  return {
    status: { unified: matches ? 'deployed' : 'unknown', raw: `${repo}@${branch}=${head}` },
    endpoint: `${repo}@${branch}`,
    refs: { repo, branch, commit: head, tags },
  };
}
