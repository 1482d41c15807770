// deploy/publish: push code + model_manifest.json, wait for the build of that commit, run the test
// cases against it, and publish a version when the stage asks for it — exactly that commit.
import {
  type DeployInput,
  type DeployResult,
  ErrorCode,
  InvalidInputError,
  ModelshipError,
  type TagInput,
} from '@modelship/core';
import { runTestCases, waitForBuild } from './build.js';
import type { AlgorithmBuild, AlgorithmiaDeps } from './client.js';
import { pushAlgorithm } from './git.js';

export interface PublishInput {
  model: { name: string; version: string };
  /** `algoCommit`: the built algorithm commit that carries this version (from tag or a staging deploy). */
  refs: Record<string, string>;
}

/** Push, wait for that commit's build, run the test cases: what tag and deploy share. */
export async function release(deps: AlgorithmiaDeps, input: TagInput | DeployInput) {
  const pushed = await pushAlgorithm(deps, input.model, input.refs);
  const build = await waitForBuild(deps, pushed.commit);
  const tested = await runTestCases(deps, pushed.commit, deps.resolved.testCases);
  return { pushed, build, tested };
}

export async function deploy(deps: AlgorithmiaDeps, input: DeployInput): Promise<DeployResult> {
  const { pushed, build, tested } = await release(deps, input);
  const algo = `${deps.resolved.username}/${deps.resolved.algoName}`;
  const refs: Record<string, string> = {
    ...input.refs,
    algoCommit: pushed.commit,
    buildId: build.build_id,
    testCases: String(tested),
  };
  const publish = (deps.settings.publishStages ?? ['production']).includes(input.stage);
  if (!publish) {
    return {
      status: { unified: 'deployed', raw: build.status },
      endpoint: `${deps.resolved.apiAddress}/v1/algo/${algo}/${pushed.commit}`,
      refs,
      warnings: [],
    };
  }
  const published = await publishVersion(deps, pushed.commit, input.model, deps.resolved.testCases[0]?.input);
  refs.semanticVersion = published.semanticVersion;
  return {
    status: { unified: 'deployed', raw: 'published' },
    endpoint: `${deps.resolved.apiAddress}/v1/algo/${algo}/${published.semanticVersion}`,
    refs,
    warnings: [],
  };
}

/** Publishes the already built commit of a version, without pushing anything. */
export async function publish(deps: AlgorithmiaDeps, input: PublishInput): Promise<DeployResult> {
  const commit = input.refs.algoCommit;
  if (!commit) {
    throw new InvalidInputError(
      'publish needs refs.algoCommit (returned by tag or a staging deploy): --ref algoCommit=<sha>',
    );
  }
  const build = await waitForBuild(deps, commit);
  const published = await publishVersion(deps, commit, input.model, deps.resolved.testCases[0]?.input);
  const algo = `${deps.resolved.username}/${deps.resolved.algoName}`;
  return {
    status: { unified: 'deployed', raw: 'published' },
    endpoint: `${deps.resolved.apiAddress}/v1/algo/${algo}/${published.semanticVersion}`,
    refs: { ...input.refs, buildId: build.build_id, semanticVersion: published.semanticVersion },
    warnings: [],
  };
}

/** The build Algorithmia would publish now: it publishes only the most recent build. */
export function latestBuild(builds: AlgorithmBuild[]): AlgorithmBuild | undefined {
  // Newest by start time when the API says; otherwise trust its newest-first order.
  return [...builds].sort((a, b) => (b.started_at ?? '').localeCompare(a.started_at ?? ''))[0];
}

/**
 * Publishes the built commit with `details.label` = the modelship version id; reuses an earlier
 * publish. The API cannot be told which build to publish (it takes the latest), so the latest build
 * is checked to be `commit` before, and the returned version's `git_hash` after.
 */
export async function publishVersion(
  deps: AlgorithmiaDeps,
  commit: string,
  version: { name: string; version: string },
  sampleInput?: unknown,
) {
  const algo = `${deps.resolved.username}/${deps.resolved.algoName}`;
  const existing = (await deps.api.versions(deps.context.signal)).find(
    (candidate) => candidate.version_info?.git_hash === commit,
  );
  if (existing?.version_info?.semantic_version) {
    if (existing.details?.label === version.version)
      return { semanticVersion: existing.version_info.semantic_version, reused: true };
    throw new ModelshipError(
      ErrorCode.Conflict,
      `commit ${commit} of ${algo} is already published as ${existing.version_info.semantic_version} (label "${existing.details?.label ?? ''}"); ` +
        `Algorithmia publishes a build once, so it cannot also be ${version.version}; deploy ${version.version} again to build a new commit`,
      { details: { commit, semanticVersion: existing.version_info.semantic_version } },
    );
  }
  const latest = latestBuild(await deps.api.builds(deps.context.signal));
  if (latest?.commit_sha !== commit || latest.status !== 'succeeded') {
    throw new ModelshipError(
      ErrorCode.Conflict,
      `the latest build of ${algo} is commit ${latest?.commit_sha ?? '(none)'} (${latest?.status ?? 'no build'}), not ${commit}, the commit of ${version.version}; ` +
        `Algorithmia publishes only the latest build, so publishing now would label other code ${version.version}. ` +
        `Rebuild it first: modelship-algorithmia deploy --model ${version.name} --version ${version.version} --stage production`,
      { details: { commit, latestCommit: latest?.commit_sha ?? null } },
    );
  }
  const published = await deps.api.publish(
    {
      details: { label: version.version },
      settings: { algorithm_callability: deps.settings.algorithmCallability ?? 'private' },
      version_info: {
        version_type: deps.settings.versionType ?? 'minor',
        release_notes: `modelship version ${version.version} (commit ${commit})`,
        ...(sampleInput === undefined ? {} : { sample_input: JSON.stringify(sampleInput) }),
      },
    },
    deps.context.signal,
  );
  const semanticVersion = published.version_info?.semantic_version;
  if (!semanticVersion) {
    throw new ModelshipError(
      ErrorCode.Provider,
      `Algorithmia published ${commit} but returned no semantic_version`,
    );
  }
  const hash = published.version_info?.git_hash;
  if (hash !== commit) {
    // Versions are immutable: all that can be done is to say loudly which one is wrong.
    throw new ModelshipError(
      ErrorCode.Integrity,
      `Algorithmia published ${semanticVersion} from commit ${hash ?? '(unknown)'}, not ${commit} (a push landed between the check and the publish); ` +
        `${algo}/${semanticVersion} carries other code under label ${version.version}: do not call it; deploy ${version.version} again to publish a correct version`,
      { details: { commit, publishedCommit: hash ?? null, semanticVersion } },
    );
  }
  return { semanticVersion, reused: false };
}
