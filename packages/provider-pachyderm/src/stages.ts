// Stages are branches of the model repo: tag and deploy move `<repo>@<stage>` to the version's
// commit (`pachctl create branch --head`), so a serving pipeline reading `<repo>@production`
// picks the approved model up by itself, and rollback is moving the branch back. The stage is
// also written into the commit's metadata (pachctl ≥ 2.10) so Pachyderm's own UI shows it.
import {
  type DeployInput,
  type DeployResult,
  ErrorCode,
  InvalidInputError,
  ModelshipError,
  type ProviderContext,
  type ProviderRefs,
  type ProviderWarning,
  type StatusInput,
  type StatusResult,
  type TagInput,
  type TagResult,
  throwIfAborted,
} from '@modelship/core';
import type { Pachctl } from './pachctl.js';
import { branchInfoSchema, pipelineInfoSchema } from './schemas.js';
import { assertName, type ResolvedSettings } from './settings.js';
import { mapPipelineState } from './status.js';

export function stageBranch(resolved: ResolvedSettings, stage: string): string {
  return assertName(resolved.settings.stageBranches?.[stage] ?? stage, 'stage branch');
}

function target(resolved: ResolvedSettings, refs: ProviderRefs, operation: string) {
  const commit = refs.commit;
  const repo = refs.repo ?? resolved.settings.modelRepo;
  if (!commit || !repo) {
    throw new InvalidInputError(
      `${operation}: refs need "commit" and "repo" (or settings.modelRepo) — pass the refs returned by upload or train`,
      { details: { refs } },
    );
  }
  return { repo: assertName(repo, 'repo'), commit };
}

/** `edit metadata` is pachctl ≥ 2.10: on older clusters the stage lives in branches only (a warning). */
async function editMetadata(
  pachctl: Pachctl,
  picker: string,
  edits: Array<[op: 'edit' | 'delete', data: string]>,
  warnings: ProviderWarning[],
) {
  const args = edits.flatMap(([op, data]) => ['commit', picker, op, data]);
  try {
    await pachctl.run(['edit', 'metadata', ...args], 'tag (edit metadata)');
  } catch (error) {
    if (
      !ModelshipError.hasCode(error, ErrorCode.InvalidInput) ||
      !/unknown command|unknown flag/i.test(String(error))
    )
      throw error;
    warnings.push({
      type: 'unsupported',
      feature: 'commit metadata',
      message: 'pachctl < 2.10 cannot edit commit metadata; the stage is recorded as a branch only',
    });
  }
}

async function moveBranch(pachctl: Pachctl, repo: string, branch: string, commit: string, operation: string) {
  await pachctl.run(['create', 'branch', `${repo}@${branch}`, '--head', commit], operation);
}

export async function tag(
  pachctl: Pachctl,
  resolved: ResolvedSettings,
  input: TagInput,
  context: ProviderContext,
): Promise<TagResult> {
  throwIfAborted(context.signal, 'tag');
  const { repo, commit } = target(resolved, input.refs, 'tag');
  const branch = stageBranch(resolved, input.stage);
  const tagKey = `modelship.tag.${input.stage}`;
  const warnings: ProviderWarning[] = [];
  if (input.action === 'remove') {
    await editMetadata(pachctl, `${repo}@${commit}`, [['delete', tagKey]], warnings);
    return { refs: { repo, commit }, warnings };
  }
  await moveBranch(pachctl, repo, branch, commit, 'tag');
  // `edit`, not `add`: add fails when the key exists, and a retried or repeated tag must not.
  await editMetadata(
    pachctl,
    `${repo}@${commit}`,
    [
      ['edit', `modelship.stage=${input.stage}`],
      ['edit', `${tagKey}=${input.tag}`],
      ...(input.model.version
        ? ([['edit', `modelship.version=${input.model.version}`]] as Array<['edit', string]>)
        : []),
    ],
    warnings,
  );
  return { refs: { repo, commit, branch }, warnings };
}

export async function deploy(
  pachctl: Pachctl,
  resolved: ResolvedSettings,
  input: DeployInput,
  context: ProviderContext,
): Promise<DeployResult> {
  throwIfAborted(context.signal, 'deploy');
  // A rollback is a deploy of the older version: `refs` are its refs, `previous` what is replaced.
  const { repo, commit } = target(resolved, input.refs, input.rollback ? 'deploy (rollback)' : 'deploy');
  const branch = stageBranch(resolved, input.stage);
  const before = await branchHead(pachctl, repo, branch);
  await moveBranch(pachctl, repo, branch, commit, 'deploy');
  const warnings: ProviderWarning[] = [];
  await editMetadata(
    pachctl,
    `${repo}@${commit}`,
    [
      ['edit', `modelship.stage=${input.stage}`],
      [
        'edit',
        `modelship.deployed.${input.stage}=${input.rollback ? (input.previous?.version ?? input.model.version) : input.model.version}`,
      ],
    ],
    warnings,
  );
  const after = await branchHead(pachctl, repo, branch);
  const deployed = after === commit;
  return {
    status: {
      unified: deployed ? 'deployed' : 'failed',
      raw: deployed ? `${repo}@${branch}=${commit}` : `${repo}@${branch}=${after ?? 'none'}`,
    },
    endpoint: `${repo}@${branch}`,
    refs: { repo, commit, branch, ...(before && before !== commit ? { previousCommit: before } : {}) },
    warnings,
  };
}

async function branchHead(pachctl: Pachctl, repo: string, branch: string): Promise<string | undefined> {
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
  if (!head)
    return { status: { unified: 'pending', raw: `${repo}@${branch} has no head` }, refs: { repo, branch } };
  const matches = !expected || expected === head;
  return {
    status: { unified: matches ? 'deployed' : 'unknown', raw: `${repo}@${branch}=${head}` },
    endpoint: `${repo}@${branch}`,
    refs: { repo, branch, commit: head },
  };
}
