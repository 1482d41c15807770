import type {
  DeployInput,
  DeployResult,
  ProviderCapabilities,
  ProviderContext,
  ProviderDescription,
  ProviderV1,
  StatusInput,
  StatusResult,
  TagInput,
  TagResult,
  TrainInput,
  TrainResult,
  UploadInput,
  UploadResult,
} from '@modelship/core';
import { deploy, status } from './deploy.js';
import { parseRunPathspec } from './run-id.js';
import {
  type MetaflowRun,
  readRun,
  runCreator,
  type SelectInput,
  type SelectResult,
  selectRun,
} from './runs.js';
import { type MetaflowProviderSettings, resolveSettings, setting } from './settings.js';
import { mutateTags } from './tags.js';
import { train } from './train.js';
import { upload } from './upload.js';

export const metaflowCapabilities: ProviderCapabilities = {
  upload: true,
  train: true,
  tag: true,
  deploy: true,
  status: true,
  undeploy: false,
  describe: true,
  rollback: true,
  abort: true,
};

export interface ReplaceTagsInput {
  /** `Flow/123`. */
  runId: string;
  add?: string[];
  remove?: string[];
  flowFile?: string;
}

export interface MetaflowProvider extends ProviderV1 {
  status(input: StatusInput, context: ProviderContext): Promise<StatusResult>;
  describe(context: ProviderContext): Promise<ProviderDescription>;
  /** The newest successful run with `tag` (and the model artifact), newest by creation time. */
  select(input: SelectInput, context: ProviderContext): Promise<SelectResult>;
  /** Removes then adds tags in one `tag replace` (or one `tag/mutate` request). */
  replaceTags(input: ReplaceTagsInput, context: ProviderContext): Promise<MetaflowRun>;
  readRun(runId: string, artifacts: string[], context: ProviderContext): Promise<MetaflowRun>;
}

/** `champion` on a stage means that stage's run tag (e.g. production → `production`). */
export function metaflowTagFor(stageTags: Record<string, string>, stage: string, tag: string): string {
  return tag === 'champion' && stageTags[stage] ? stageTags[stage] : tag;
}

export function createMetaflowProvider(settings: MetaflowProviderSettings = {}): MetaflowProvider {
  const resolved = resolveSettings(settings);
  const creatorOf = async (runId: string, context: ProviderContext) =>
    runCreator(await readRun(resolved, runId, [], context));

  return {
    specificationVersion: 'v1',
    name: 'metaflow',
    capabilities: metaflowCapabilities,
    upload: (input: UploadInput, context: ProviderContext): Promise<UploadResult> =>
      upload(resolved, input, context),
    train: (input: TrainInput, context: ProviderContext): Promise<TrainResult> =>
      train(resolved, input, context),
    async tag(input: TagInput, context: ProviderContext): Promise<TagResult> {
      const run = parseRunPathspec(input.refs.runId, 'tag refs.runId', input.refs.flow);
      const tag = metaflowTagFor(resolved.stageTags, input.stage, input.tag);
      const creator =
        input.refs.user ?? (resolved.namespace ? undefined : await creatorOf(run.pathspec, context));
      const remove = input.action === 'remove';
      await mutateTags(
        resolved,
        {
          run,
          add: remove ? [] : [tag],
          remove: remove ? [tag] : [],
          flowFile: input.refs.flowFile,
          creator,
        },
        context,
      );
      return {
        refs: {
          runId: run.pathspec,
          flow: run.flow,
          tag,
          ...(input.refs.flowFile ? { flowFile: input.refs.flowFile } : {}),
          ...(creator ? { user: creator } : {}),
        },
        warnings: [],
      };
    },
    deploy: (input: DeployInput, context: ProviderContext): Promise<DeployResult> =>
      deploy(resolved, input, context),
    status: (input, context) => status(resolved, input, context),
    select: (input, context) => selectRun(resolved, input, context),
    async replaceTags(input, context) {
      const run = parseRunPathspec(input.runId, 'replaceTags runId');
      const creator = await creatorOf(run.pathspec, context);
      await mutateTags(
        resolved,
        { run, add: input.add, remove: input.remove, flowFile: input.flowFile, creator },
        context,
      );
      return readRun(resolved, run.pathspec, [], context);
    },
    readRun: (runId, artifacts, context) =>
      readRun(resolved, parseRunPathspec(runId, 'runId').pathspec, artifacts, context),
    async describe(): Promise<ProviderDescription> {
      return {
        name: 'metaflow',
        capabilities: metaflowCapabilities,
        settings: {
          python: resolved.python,
          cwd: resolved.cwd,
          namespace: resolved.namespace ?? 'global',
          metadataServiceUrl: setting(resolved, settings.metadataServiceUrl, 'METAFLOW_SERVICE_URL') ?? null,
          apiKey: setting(resolved, settings.apiKey, 'METAFLOW_SERVICE_AUTH_KEY') ? '***' : null,
          trainFlow: settings.trainFlow ?? null,
          deployFlow: settings.deployFlow ?? null,
          metricsArtifact: resolved.metricsArtifact,
          stageTags: resolved.stageTags,
          argoStages: resolved.argoStages,
          onlyJson: resolved.onlyJson,
        },
      };
    },
  };
}
