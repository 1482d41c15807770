import { readFile, stat } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import {
  type DeployInput,
  type DeployResult,
  ErrorCode,
  InvalidInputError,
  ModelshipError,
  type ProviderCapabilities,
  type ProviderContext,
  type ProviderV1,
  type StatusInput,
  type StatusResult,
  type TagInput,
  type TagResult,
  throwIfAborted,
  type UploadInput,
  type UploadResult,
} from '@modelship/core';
import { captureProvenance, createManifest } from '@modelship/manifest';
import { ManagementApi } from './api.js';
import { DataApi, officialDataClient } from './data-api.js';
import { trainWithNotebook } from './notebook.js';
import { publishVersion, pushAlgorithm, type ReleaseDeps, runTestCases, waitForBuild } from './release.js';
import { type AlgorithmiaProviderSettings, resolveSettings } from './settings.js';
import { mapBuildStatus } from './status.js';

export const algorithmiaCapabilities: ProviderCapabilities = {
  upload: true,
  train: true,
  tag: true,
  deploy: true,
  status: true,
  undeploy: false,
  describe: true,
  rollback: false,
  abort: true,
};

export interface PublishInput {
  model: { name: string; version: string };
  /** `algoCommit`: the built algorithm commit that carries this version (from tag or a staging deploy). */
  refs: Record<string, string>;
}

export interface AlgorithmiaProvider extends ProviderV1 {
  /** Publishes the already built commit of a version, without pushing anything. */
  publish(input: PublishInput, context: ProviderContext): Promise<DeployResult>;
  status(input: StatusInput, context: ProviderContext): Promise<StatusResult>;
  describe(context: ProviderContext): ReturnType<NonNullable<ProviderV1['describe']>>;
}

/** `model.pkl` + commit `abc…` → `model_abc….pkl`, the action's unique upload name. */
export function uploadFileName(modelPath: string, commit: string): string {
  const ext = extname(modelPath);
  return `${basename(modelPath, ext)}_${commit}${ext}`;
}

export function createAlgorithmiaProvider(settings: AlgorithmiaProviderSettings = {}): AlgorithmiaProvider {
  const deps = async (context: ProviderContext): Promise<ReleaseDeps> => {
    const resolved = resolveSettings(settings);
    context.redact.add(resolved.apiKey);
    if (resolved.repo.auth) context.redact.add(resolved.repo.auth.password);
    const fetchImpl = settings.fetch ?? globalThis.fetch;
    const client = settings.dataClient ?? (await officialDataClient(resolved.apiKey, resolved.apiAddress));
    return {
      settings,
      resolved,
      data: new DataApi(client, resolved, fetchImpl),
      api: new ManagementApi(resolved, fetchImpl),
      context,
    };
  };

  const origin = async () => {
    const captured = await captureProvenance({ cwd: resolve(settings.workspace ?? '.'), env: settings.env });
    return {
      ...captured,
      ...settings.origin,
      commitMessage: settings.origin?.commitMessage ?? captured.commitMessage,
    };
  };

  const release = async (input: TagInput | DeployInput, context: ProviderContext) => {
    const d = await deps(context);
    const pushed = await pushAlgorithm(d, input.model, input.refs);
    const build = await waitForBuild(d, pushed.commit);
    const tested = await runTestCases(d, pushed.commit, settings.testCases ?? []);
    return { d, pushed, build, tested };
  };

  return {
    specificationVersion: 'v1',
    name: 'algorithmia',
    capabilities: algorithmiaCapabilities,

    async upload(input: UploadInput, context): Promise<UploadResult> {
      throwIfAborted(context.signal, 'upload');
      const d = await deps(context);
      const path = resolve(input.path);
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) {
        throw new InvalidInputError(
          `upload: ${path} is not a model file; Algorithmia collections hold one file per model`,
        );
      }
      const provenance = await origin();
      const commit = input.metadata?.commit ?? provenance.commit;
      if (!commit) {
        throw new InvalidInputError(
          'upload: the origin commit is unknown; set settings.origin.commit, GITHUB_SHA, or run inside the git checkout (settings.workspace)',
        );
      }
      const dataPath = `${d.resolved.collection}/${uploadFileName(path, commit)}`;
      const { manifest } = await createManifest({
        path,
        algorithms: ['md5', 'sha256'],
        provenance: { ...provenance, commit },
        name: input.model.name,
        ...(input.model.version ? { version: input.model.version } : {}),
        storageUri: `data://${dataPath}`,
      });
      const manifestDigest = `${manifest.digest.algorithm}:${manifest.digest.value}`;
      if (input.manifestDigest && input.manifestDigest !== manifestDigest) {
        throw new ModelshipError(
          ErrorCode.Integrity,
          `upload: ${path} hashes to ${manifestDigest} but the caller stamped ${input.manifestDigest}; the model changed after its manifest was made — re-create the manifest`,
          { details: { expected: input.manifestDigest, actual: manifestDigest } },
        );
      }
      const md5 = manifest.files[0]?.md5 ?? '';
      const refs = { dataPath: `data://${dataPath}`, md5, originCommit: commit };
      const head = await d.data.head(dataPath, context.signal);
      const manifestHead = await d.data.head(`${dataPath}.modelship.json`, context.signal);
      if (head.exists && head.md5 === md5 && head.size === info.size && manifestHead.exists) {
        return {
          uri: refs.dataPath,
          refs,
          skipped: true,
          manifestDigest,
          warnings: [],
        };
      }
      await d.data.ensureDirectory(d.resolved.collection, context.signal);
      context.progress({ task: `upload ${basename(path)}`, done: 0, total: info.size, unit: 'bytes' });
      await d.data.put(dataPath, await readFile(path), context.signal);
      // The manifest goes last: a manifest in the collection means its model is complete.
      await d.data.put(`${dataPath}.modelship.json`, Buffer.from(JSON.stringify(manifest)), context.signal);
      context.progress({
        task: `upload ${basename(path)}`,
        done: info.size,
        total: info.size,
        unit: 'bytes',
        finished: true,
      });
      return {
        uri: refs.dataPath,
        refs,
        skipped: false,
        manifestDigest,
        warnings: [],
      };
    },

    train: (input, context) => trainWithNotebook(settings, input.options, context),

    async tag(input, context): Promise<TagResult> {
      const { d, pushed, build } = await release(input, context);
      const label = input.action === 'remove' ? d.resolved.algoName : `${input.model.version} ${input.tag}`;
      await d.api.updateDetails({ label }, context.signal);
      return {
        refs: { ...input.refs, algoCommit: pushed.commit, buildId: build.build_id, label },
        warnings: [],
      };
    },

    async deploy(input, context): Promise<DeployResult> {
      const { d, pushed, build, tested } = await release(input, context);
      const algo = `${d.resolved.username}/${d.resolved.algoName}`;
      const refs: Record<string, string> = {
        ...input.refs,
        algoCommit: pushed.commit,
        buildId: build.build_id,
        testCases: String(tested),
      };
      const publish = (settings.publishStages ?? ['production']).includes(input.stage);
      if (!publish) {
        return {
          status: { unified: 'deployed', raw: build.status },
          endpoint: `${d.resolved.apiAddress}/v1/algo/${algo}/${pushed.commit}`,
          refs,
          warnings: [],
        };
      }
      const published = await publishVersion(d, pushed.commit, input.model, settings.testCases?.[0]?.input);
      refs.semanticVersion = published.semanticVersion;
      return {
        status: { unified: 'deployed', raw: 'published' },
        endpoint: `${d.resolved.apiAddress}/v1/algo/${algo}/${published.semanticVersion}`,
        refs,
        warnings: [],
      };
    },

    async publish(input, context): Promise<DeployResult> {
      const d = await deps(context);
      const commit = input.refs.algoCommit;
      if (!commit) {
        throw new InvalidInputError(
          'publish needs refs.algoCommit (returned by tag or a staging deploy): --ref algoCommit=<sha>',
        );
      }
      const build = await waitForBuild(d, commit);
      const published = await publishVersion(d, commit, input.model, settings.testCases?.[0]?.input);
      const algo = `${d.resolved.username}/${d.resolved.algoName}`;
      return {
        status: { unified: 'deployed', raw: 'published' },
        endpoint: `${d.resolved.apiAddress}/v1/algo/${algo}/${published.semanticVersion}`,
        refs: { ...input.refs, buildId: build.build_id, semanticVersion: published.semanticVersion },
        warnings: [],
      };
    },

    async status(input, context): Promise<StatusResult> {
      const d = await deps(context);
      const algo = `${d.resolved.username}/${d.resolved.algoName}`;
      const semanticVersion = input.refs?.semanticVersion;
      if (semanticVersion) {
        const version = (await d.api.versions(context.signal)).find(
          (v) => v.version_info?.semantic_version === semanticVersion,
        );
        if (!version)
          throw new ModelshipError(
            ErrorCode.NotFound,
            `version ${semanticVersion} of ${algo} is not published`,
          );
        return {
          status: { unified: 'deployed', raw: 'published' },
          endpoint: `${d.resolved.apiAddress}/v1/algo/${algo}/${semanticVersion}`,
          refs: input.refs ?? {},
        };
      }
      const builds = await d.api.builds(context.signal);
      const commit = input.refs?.algoCommit;
      const build = commit ? builds.find((b) => b.commit_sha === commit) : builds[0];
      if (!build) return { status: { unified: 'unknown', raw: '' }, refs: input.refs ?? {} };
      return {
        status: mapBuildStatus(build.status),
        ...(build.commit_sha
          ? { endpoint: `${d.resolved.apiAddress}/v1/algo/${algo}/${build.commit_sha}` }
          : {}),
        refs: {
          ...input.refs,
          buildId: build.build_id,
          ...(build.commit_sha ? { algoCommit: build.commit_sha } : {}),
        },
      };
    },

    async describe(context) {
      const resolved = resolveSettings(settings);
      context.redact.add(resolved.apiKey);
      return {
        name: 'algorithmia',
        settings: {
          apiAddress: resolved.apiAddress,
          username: resolved.username,
          algoName: resolved.algoName,
          collection: `data://${resolved.collection}`,
          algoRepo: context.redact(resolved.repo.url),
          branch: resolved.repo.branch,
          notebook: settings.notebook?.path,
          publishStages: settings.publishStages ?? ['production'],
        },
        capabilities: algorithmiaCapabilities,
      };
    },
  };
}
