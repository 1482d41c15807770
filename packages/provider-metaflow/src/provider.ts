import type {
  DeployInput,
  DeployResult,
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
import { capabilitiesExcept } from '@modelship/core/provider-kit';
import {
  type MetaflowRun,
  parseRunPathspec,
  readRun,
  type SelectInput,
  type SelectResult,
  selectRun,
} from './client.js';
import { deploy } from './deploy.js';
import { checkSettings, type MetaflowProviderSettings, resolveSettings, setting } from './settings.js';
import { status } from './status.js';
import { type ReplaceTagsInput, replaceTags, tag } from './tag.js';
import { train } from './train.js';
import { upload } from './upload.js';

export const metaflowCapabilities = capabilitiesExcept('undeploy');

export interface MetaflowProvider extends ProviderV1 {
  status(input: StatusInput, context: ProviderContext): Promise<StatusResult>;
  describe(context: ProviderContext): Promise<ProviderDescription>;
  /** The newest successful run with `tag` (and the model artifact), newest by creation time. */
  select(input: SelectInput, context: ProviderContext): Promise<SelectResult>;
  /** Removes then adds tags in one `tag replace` (or one `tag/mutate` request). */
  replaceTags(input: ReplaceTagsInput, context: ProviderContext): Promise<MetaflowRun>;
  readRun(runId: string, artifacts: string[], context: ProviderContext): Promise<MetaflowRun>;
}

/** Wiring only: settings are checked here, the environment is read when a verb runs. */
export function createMetaflowProvider(settings: MetaflowProviderSettings = {}): MetaflowProvider {
  const checked = checkSettings(settings);
  const resolved = resolveSettings(checked);
  const given = checked.settings;

  return {
    specificationVersion: 'v1',
    name: 'metaflow',
    capabilities: metaflowCapabilities,
    upload: (input: UploadInput, context: ProviderContext): Promise<UploadResult> =>
      upload(resolved, input, context),
    train: (input: TrainInput, context: ProviderContext): Promise<TrainResult> =>
      train(resolved, input, context),
    tag: (input: TagInput, context: ProviderContext): Promise<TagResult> => tag(resolved, input, context),
    deploy: (input: DeployInput, context: ProviderContext): Promise<DeployResult> =>
      deploy(resolved, input, context),
    status: (input, context) => status(resolved, input, context),
    select: (input, context) => selectRun(resolved, input, context),
    replaceTags: (input, context) => replaceTags(resolved, input, context),
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
          metadataServiceUrl: setting(resolved, given.metadataServiceUrl, 'METAFLOW_SERVICE_URL') ?? null,
          apiKey: setting(resolved, given.apiKey, 'METAFLOW_SERVICE_AUTH_KEY') ? '***' : null,
          trainFlow: given.trainFlow ?? null,
          deployFlow: given.deployFlow ?? null,
          metricsArtifact: resolved.metricsArtifact,
          stageTags: resolved.stageTags,
          argoStages: resolved.argoStages,
          onlyJson: resolved.onlyJson,
        },
      };
    },
  };
}
