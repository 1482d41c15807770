import type { ProviderContext, ProviderDescription, ProviderV1 } from '@modelship/core';
import { capabilitiesExcept } from '@modelship/core/provider-kit';
import { deployModel, deploymentStatus } from './deploy.js';
import { type ExportInput, type ExportResult, exportModel } from './export.js';
import { checkSettings, type IguazioProviderSettings, resolveSettings } from './settings.js';
import { tagModel } from './tag.js';
import { trainModel } from './train.js';
import { uploadModel } from './upload.js';

export type { IguazioEnvironment, IguazioProviderSettings, IguazioStageSettings } from './settings.js';

export interface IguazioProvider extends ProviderV1 {
  status: NonNullable<ProviderV1['status']>;
  describe: NonNullable<ProviderV1['describe']>;
  /** Writes the model's artifact YAML to `artifacts/<key>:<tag>.yaml` (the challenger export). */
  exportModel(input: ExportInput, context: ProviderContext): Promise<ExportResult>;
}

export const iguazioCapabilities = capabilitiesExcept('undeploy');

/** MLRun over its REST API with `fetch`. No side effects until a method is called. */
export function createIguazioProvider(given: IguazioProviderSettings = {}): IguazioProvider {
  const settings = checkSettings(given);
  return {
    specificationVersion: 'v1',
    name: 'iguazio',
    capabilities: iguazioCapabilities,
    upload: async (input, context) => uploadModel(resolveSettings(settings, context), input, context),
    train: async (input, context) => trainModel(resolveSettings(settings, context), input, context),
    tag: async (input, context) => tagModel(resolveSettings(settings, context), input, context),
    deploy: async (input, context) => deployModel(resolveSettings(settings, context), input, context),
    status: async (input, context) => deploymentStatus(resolveSettings(settings, context), input, context),
    exportModel: async (input, context) => exportModel(resolveSettings(settings, context), input, context),
    async describe(context): Promise<ProviderDescription> {
      const resolved = resolveSettings(settings, context);
      return {
        name: 'iguazio',
        settings: {
          apiUrl: context.redact(resolved.apiUrl),
          project: resolved.project,
          stages: settings.stages ?? {},
          // Variable names only: an environment's credentials are never values in the settings.
          environments: settings.environments ?? {},
          functionName: settings.functionName ?? 'serving',
          s3Bucket: resolved.s3?.bucket,
          accessKey: settings.accessKey || (settings.env ?? process.env).V3IO_ACCESS_KEY ? '***' : undefined,
        },
        capabilities: iguazioCapabilities,
      };
    },
  };
}
