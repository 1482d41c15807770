// What `modelship-sagemaker` adds to the generic wrapper verbs: its settings as flags (from
// ./flags.ts, so `--help` names each environment variable) and registry/endpoint extras. Nothing
// heavy loads before a command runs: --help reads plain data only.
import type { ProviderCliSpec } from '@modelship/core';
// The light errors entry keeps `modelship-<name> --help` from loading core (and zod).
import { InvalidInputError } from '@modelship/core/errors';
import { settingFlags } from './flags.js';
import type { SageMakerProvider } from './provider.js';
import type { SageMakerProviderSettings } from './settings.js';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export const cliSpec: ProviderCliSpec<SageMakerProviderSettings> = {
  name: 'sagemaker',
  summary:
    'Amazon SageMaker: S3 upload with digests, training jobs and pipelines, model registry approvals, <group>-<stage> endpoints',
  settings: settingFlags,
  settingsSchema: async () => (await import('./settings.js')).settingsSchema,
  // The command's environment, not process.env, is where the provider reads its fallbacks.
  createProvider: async (settings, { env }) =>
    (await import('./provider.js')).createSageMakerProvider({ ...settings, env }),
  commands: {
    'latest-approved': {
      description: 'the newest Approved model package of the group (SortBy CreationTime, Descending)',
      usage: 'latest-approved --model M [--model-package-group G]',
      run: ({ provider, values, context }) => {
        const model = text(values.model);
        if (!model) throw new InvalidInputError('latest-approved: --model is required');
        return (provider as SageMakerProvider).status({ model: { name: model } }, context);
      },
    },
    undeploy: {
      description: 'delete the <group>-<stage> endpoint (its configs and models are kept for rollback)',
      usage: 'undeploy --model M --stage S',
      run: ({ provider, values, context }) => {
        const model = text(values.model);
        const stage = text(values.stage);
        if (!model || !stage) throw new InvalidInputError('undeploy: --model and --stage are required');
        return (provider as SageMakerProvider).undeploy({ model: { name: model }, stage }, context);
      },
    },
  },
};
