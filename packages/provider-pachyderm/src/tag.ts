// tag: stages are branches of the model repo. Tagging moves `<repo>@<stage>` to the version's
// commit (`pachctl create branch --head`) and writes the stage into the commit's metadata
// (pachctl ≥ 2.10) so Pachyderm's own UI shows it.
import {
  ErrorCode,
  InvalidInputError,
  ModelshipError,
  type ProviderContext,
  type ProviderRefs,
  type ProviderWarning,
  type TagInput,
  type TagResult,
  throwIfAborted,
} from '@modelship/core';
import type { Pachctl } from './client.js';
import { assertName, type ResolvedSettings } from './settings.js';

export function stageBranch(resolved: ResolvedSettings, stage: string): string {
  return assertName(resolved.settings.stageBranches?.[stage] ?? stage, 'stage branch');
}

/** The model commit the refs name. */
export function target(resolved: ResolvedSettings, refs: ProviderRefs, operation: string) {
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
export async function editMetadata(
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

export async function moveBranch(
  pachctl: Pachctl,
  repo: string,
  branch: string,
  commit: string,
  operation: string,
) {
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
