// deploy/tag: push code + model_manifest.json to the algorithm repository, wait for the build of
// that commit, run the test cases against it, and publish a version when the stage asks for it.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ErrorCode, ModelshipError, type ProviderContext, type ProviderRefs } from '@modelship/core';
import {
  type AlgorithmiaManifest,
  algorithmiaManifestSchema,
  modelshipManifestSchema,
  toAlgorithmiaManifest,
} from '@modelship/manifest';
import type { AlgorithmBuild, ManagementApi } from './api.js';
import type { DataApi } from './data-api.js';
import { cloneAlgorithmRepo, copyAlgorithmCode, readJsonIfPresent } from './git.js';
import type { AlgorithmiaProviderSettings, AlgorithmTestCase, ResolvedSettings } from './settings.js';

export interface ReleaseDeps {
  settings: AlgorithmiaProviderSettings;
  resolved: ResolvedSettings;
  data: DataApi;
  api: ManagementApi;
  context: ProviderContext;
}

const MANIFEST = 'model_manifest.json';
const IDENTITY_KEYS = ['model_filepath', 'model_md5_hash', 'model_origin_commit_SHA'] as const;

/** Reads the modelship manifest stored beside the uploaded model and checks the model is still there. */
async function uploadedManifest(deps: ReleaseDeps, refs: ProviderRefs) {
  const dataPath = refs.dataPath?.replace(/^data:\/\//, '');
  if (!dataPath) {
    throw new ModelshipError(
      ErrorCode.InvalidInput,
      'Algorithmia deploy needs refs.dataPath (the data:// URI upload returned); upload first',
    );
  }
  const head = await deps.data.head(dataPath, deps.context.signal);
  if (!head.exists) {
    throw new ModelshipError(
      ErrorCode.NotFound,
      `the model data://${dataPath} is not in the data collection; upload it again`,
      {
        details: { dataPath },
      },
    );
  }
  const text = await deps.data.getText(`${dataPath}.modelship.json`, deps.context.signal);
  const manifest = modelshipManifestSchema.parse(JSON.parse(text));
  const expected = manifest.files[0];
  // The API does not define the ETag as the MD5: a matching one spares the download (a 128-bit
  // coincidence it is not), anything else proves nothing, so the bytes are hashed. The inference
  // code checks model_manifest.json again when it loads the model.
  if (!head.md5 || head.md5 !== expected?.md5) {
    const bytes = await deps.data.getBytes(dataPath, deps.context.signal);
    const algorithm = expected?.sha256 ? 'sha256' : 'md5';
    const actual = createHash(algorithm).update(bytes).digest('hex');
    if (actual !== expected?.[algorithm]) {
      throw new ModelshipError(
        ErrorCode.Integrity,
        `data://${dataPath} has ${algorithm} ${actual} but its manifest says ${expected?.[algorithm] ?? '(none)'}; upload the model again`,
        { details: { dataPath } },
      );
    }
  }
  return { dataPath, manifest };
}

/** Pushes the commit carrying this model version (no new commit when it is already there); returns its sha. */
export async function pushAlgorithm(
  deps: ReleaseDeps,
  version: { name: string; version: string },
  refs: ProviderRefs,
) {
  const { dataPath, manifest } = await uploadedManifest(deps, refs);
  const checkout = await cloneAlgorithmRepo(deps.resolved, deps.context);
  try {
    if (deps.settings.algorithmDir)
      await copyAlgorithmCode(resolve(deps.settings.algorithmDir), checkout.dir);
    const manifestPath = join(checkout.dir, MANIFEST);
    const base = await readJsonIfPresent(manifestPath);
    let next: AlgorithmiaManifest = toAlgorithmiaManifest(manifest, { modelFilepath: dataPath, base });
    // Same model, same origin: keep the old upload time so a retried deploy makes no new commit.
    if (base && IDENTITY_KEYS.every((key) => base[key] === next[key])) {
      next = { ...next, model_uploaded_utc: String(base.model_uploaded_utc) };
    }
    algorithmiaManifestSchema.parse(next);
    await writeFile(manifestPath, JSON.stringify(next));
    await checkout.git(['add', '--all']);
    const changed = (await checkout.git(['status', '--porcelain'])) !== '';
    const origin = manifest.provenance;
    if (changed) {
      const author = deps.settings.gitAuthor ?? {
        name: deps.resolved.username,
        email: `${deps.resolved.username}@users.noreply.modelship`,
      };
      const message = [
        `Deploy ${version.name} ${version.version} from ${origin.repository ?? 'unknown'}@${origin.commit ?? 'unknown'}`,
        '',
        origin.commitMessage
          ? `Origin commit: ${origin.commitMessage.split('\n')[0]}`
          : 'Origin commit message unknown',
        `Model: data://${dataPath} (md5 ${next.model_md5_hash})`,
        `Modelship-Version: ${version.version}`,
      ].join('\n');
      await checkout.git([
        '-c',
        `user.name=${author.name}`,
        '-c',
        `user.email=${author.email}`,
        'commit',
        '--quiet',
        '-m',
        message,
      ]);
      await checkout.git(['push', '--quiet', 'origin', `HEAD:${deps.resolved.repo.branch}`]);
    }
    const commit = await checkout.git(['rev-parse', 'HEAD']);
    return { commit, pushed: changed, dataPath };
  } finally {
    await checkout.dispose();
  }
}

/** Polls the builds list for the build of `commit` until it succeeds or fails (with its logs). */
export async function waitForBuild(deps: ReleaseDeps, commit: string): Promise<AlgorithmBuild> {
  const timeoutMs = deps.settings.buildTimeoutMs ?? 600_000;
  const interval = deps.settings.pollIntervalMs ?? 2_000;
  const deadline = Date.now() + timeoutMs;
  let last: AlgorithmBuild | undefined;
  for (;;) {
    const builds = await deps.api.builds(deps.context.signal);
    last = builds.find((build) => build.commit_sha === commit);
    if (last?.status === 'succeeded') return last;
    if (last?.status === 'failed') {
      const logs = await deps.api
        .buildLogs(last.build_id, deps.context.signal)
        .catch(() => '(logs unavailable)');
      throw new ModelshipError(
        ErrorCode.Provider,
        `Algorithmia build ${last.build_id} of commit ${commit} failed; fix the algorithm code and deploy again. Build log:\n${deps.context.redact(logs).slice(-3000)}`,
        { details: { buildId: last.build_id, commit } },
      );
    }
    if (Date.now() >= deadline) {
      throw new ModelshipError(
        ErrorCode.Timeout,
        `no finished Algorithmia build for commit ${commit} after ${timeoutMs} ms (last state: ${last?.status ?? 'no build seen'}); check the algorithm's builds, or POST /compile`,
        { isRetryable: true, details: { commit } },
      );
    }
    deps.context.progress({
      task: `wait build of ${commit.slice(0, 12)}`,
      done: Math.round((timeoutMs - (deadline - Date.now())) / 1000),
      total: Math.round(timeoutMs / 1000),
      unit: 'seconds',
    });
    // timers/promises removes its abort listener when the timer fires: no listener per poll.
    await delay(interval, undefined, { signal: deps.context.signal }).catch(() => {
      throw new ModelshipError(ErrorCode.Aborted, 'waiting for the Algorithmia build was aborted');
    });
  }
}

export function outputsMatch(expected: unknown, actual: unknown, tolerance: number): boolean {
  if (typeof expected === 'number' && typeof actual === 'number')
    return Math.abs(expected - actual) <= tolerance;
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => outputsMatch(item, actual[i], tolerance))
    );
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const keys = Object.keys(expected);
    return (
      keys.length === Object.keys(actual).length &&
      keys.every((key) =>
        outputsMatch(
          (expected as Record<string, unknown>)[key],
          (actual as Record<string, unknown>)[key],
          tolerance,
        ),
      )
    );
  }
  return expected === actual;
}

/** Calls the built commit with each test case; the first mismatch fails the deploy. */
export async function runTestCases(
  deps: ReleaseDeps,
  commit: string,
  cases: AlgorithmTestCase[],
): Promise<number> {
  for (const [index, testCase] of cases.entries()) {
    const actual = await deps.api.call(commit, testCase.input, deps.context.signal);
    if (!outputsMatch(testCase.expected, actual, testCase.tolerance ?? 0)) {
      throw new ModelshipError(
        ErrorCode.GateFailed,
        `test case ${index} against ${deps.resolved.username}/${deps.resolved.algoName}/${commit} failed: ` +
          `expected ${JSON.stringify(testCase.expected)}, got ${JSON.stringify(actual)}; nothing was published`,
        { details: { index, commit } },
      );
    }
  }
  return cases.length;
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
  deps: ReleaseDeps,
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
