// tag: the version's commit pushed and built, then the algorithm's `details.label` = `<version> <tag>`,
// which the next published version carries.
import type { TagInput, TagResult } from '@modelship/core';
import type { AlgorithmiaDeps } from './client.js';
import { release } from './deploy.js';

export async function tag(deps: AlgorithmiaDeps, input: TagInput): Promise<TagResult> {
  const { pushed, build } = await release(deps, input);
  const label = input.action === 'remove' ? deps.resolved.algoName : `${input.model.version} ${input.tag}`;
  await deps.api.updateDetails({ label }, deps.context.signal);
  return {
    refs: { ...input.refs, algoCommit: pushed.commit, buildId: build.build_id, label },
    warnings: [],
  };
}
