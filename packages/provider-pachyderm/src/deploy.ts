// deploy: a serving pipeline reads `<repo>@production`, so deploying moves that branch to the
// version's commit and it picks the approved model up by itself; rollback moves it back.
import type { DeployInput, DeployResult, ProviderContext, ProviderWarning } from '@modelship/core';
import { throwIfAborted } from '@modelship/core';
import type { Pachctl } from './client.js';
import type { ResolvedSettings } from './settings.js';
import { branchHead } from './status.js';
import { editMetadata, moveBranch, stageBranch, target } from './tag.js';

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
