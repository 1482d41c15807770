// The factory: wiring only. Each verb lives in its own file and receives the resolved settings, the
// two API clients and the call's context.
import type { DeployResult, ProviderContext, ProviderV1, StatusInput, StatusResult } from '@modelship/core';
import { capabilitiesExcept } from '@modelship/core/provider-kit';
import { type AlgorithmiaDeps, DataApi, ManagementApi, officialDataClient } from './client.js';
import { deploy, type PublishInput, publish } from './deploy.js';
import { type AlgorithmiaProviderSettings, checkSettings, resolveSettings } from './settings.js';
import { status } from './status.js';
import { tag } from './tag.js';
import { trainWithNotebook } from './train.js';
import { uploadModel } from './upload.js';

export const algorithmiaCapabilities = capabilitiesExcept('undeploy', 'rollback');

export interface AlgorithmiaProvider extends ProviderV1 {
  /** Publishes the already built commit of a version, without pushing anything. */
  publish(input: PublishInput, context: ProviderContext): Promise<DeployResult>;
  status(input: StatusInput, context: ProviderContext): Promise<StatusResult>;
  describe(context: ProviderContext): ReturnType<NonNullable<ProviderV1['describe']>>;
}

export function createAlgorithmiaProvider(given: AlgorithmiaProviderSettings = {}): AlgorithmiaProvider {
  const settings = checkSettings(given);
  // Resolved per call, never at creation: the factory has no side effects.
  const deps = async (context: ProviderContext): Promise<AlgorithmiaDeps> => {
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

  return {
    specificationVersion: 'v1',
    name: 'algorithmia',
    capabilities: algorithmiaCapabilities,
    upload: async (input, context) => uploadModel(await deps(context), input),
    train: (input, context) => trainWithNotebook(settings, input.options, context),
    tag: async (input, context) => tag(await deps(context), input),
    deploy: async (input, context) => deploy(await deps(context), input),
    publish: async (input, context) => publish(await deps(context), input),
    status: async (input, context) => status(await deps(context), input),

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
          notebook: settings.notebook,
          publishStages: settings.publishStages ?? ['production'],
        },
        capabilities: algorithmiaCapabilities,
      };
    },
  };
}
