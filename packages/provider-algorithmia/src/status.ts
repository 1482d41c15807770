import {
  createStatusMapper,
  ErrorCode,
  ModelshipError,
  type StatusInput,
  type StatusResult,
} from '@modelship/core';
import type { AlgorithmiaDeps } from './client.js';

/** Algorithmia build states (`in-progress`, `succeeded`, `failed`) in the unified vocabulary. */
export const mapBuildStatus = createStatusMapper({
  'in-progress': 'running',
  succeeded: 'succeeded',
  failed: 'failed',
});

/**
 * The tags `label` gives `version`: tag writes `details.label` = `<version> <tag>` (a published
 * version keeps the label it was published with), so the label is where a version's tag is read back.
 */
export function labelTags(label: unknown, version: string | undefined): string {
  if (typeof label !== 'string' || !version || !label.startsWith(`${version} `)) return '';
  return label.slice(version.length + 1).trim();
}

/** A published version when `refs.semanticVersion` is given, else the build of `refs.algoCommit` (or the latest). */
export async function status(deps: AlgorithmiaDeps, input: StatusInput): Promise<StatusResult> {
  const algo = `${deps.resolved.username}/${deps.resolved.algoName}`;
  const semanticVersion = input.refs?.semanticVersion;
  if (semanticVersion) {
    const version = (await deps.api.versions(deps.context.signal)).find(
      (v) => v.version_info?.semantic_version === semanticVersion,
    );
    if (!version)
      throw new ModelshipError(ErrorCode.NotFound, `version ${semanticVersion} of ${algo} is not published`);
    return {
      status: { unified: 'deployed', raw: 'published' },
      endpoint: `${deps.resolved.apiAddress}/v1/algo/${algo}/${semanticVersion}`,
      refs: { ...input.refs, tags: labelTags(version.details?.label, input.model.version) },
    };
  }
  const algorithm = await deps.api.algorithm(deps.context.signal);
  const tags = labelTags(algorithm.details?.label, input.model.version);
  const builds = await deps.api.builds(deps.context.signal);
  const commit = input.refs?.algoCommit;
  const build = commit ? builds.find((b) => b.commit_sha === commit) : builds[0];
  if (!build) return { status: { unified: 'unknown', raw: '' }, refs: { ...input.refs, tags } };
  return {
    status: mapBuildStatus(build.status),
    ...(build.commit_sha
      ? { endpoint: `${deps.resolved.apiAddress}/v1/algo/${algo}/${build.commit_sha}` }
      : {}),
    refs: {
      ...input.refs,
      buildId: build.build_id,
      ...(build.commit_sha ? { algoCommit: build.commit_sha } : {}),
      tags,
    },
  };
}
