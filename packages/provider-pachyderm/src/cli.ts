// What `modelship-pachyderm` adds to the generic wrapper verbs: its settings as flags (from
// ./flags.ts) and `lineage`. Nothing heavy loads before a command runs: --help reads plain data only.
import type { ProviderCliSpec } from '@modelship/core';
// The light errors entry keeps `modelship-<name> --help` from loading core (and zod).
import { InvalidInputError } from '@modelship/core/errors';
import { settingFlags } from './flags.js';
import type { PachydermProvider } from './provider.js';
import type { ParsedSettings } from './settings.js';

export const cliSpec: ProviderCliSpec<ParsedSettings> = {
  name: 'pachyderm',
  summary: 'versioned data, image-tagged pipelines and lineage on Pachyderm, through pachctl',
  settings: settingFlags,
  settingsSchema: async () => (await import('./settings.js')).settingsSchema,
  createProvider: async (settings, { env }) =>
    (await import('./provider.js')).createPachydermProvider({ ...settings, environment: env }),
  commands: {
    lineage: {
      description: 'which data commits, pipeline spec, image:tag and git SHA made a model commit',
      usage: 'lineage <commit> [--model-repo R] | lineage --ref commit=<id> [--ref repo=R]',
      async run({ provider, positionals, values, settings, context }) {
        const refs = Object.fromEntries(
          ((values.ref as string[] | undefined) ?? []).map((r) => [
            r.slice(0, r.indexOf('=')),
            r.slice(r.indexOf('=') + 1),
          ]),
        );
        const commit = positionals[0] ?? refs.commit;
        if (!commit)
          throw new InvalidInputError(
            'lineage: pass the model commit id (`lineage <commit>` or --ref commit=<id>)',
          );
        const modelRepo = typeof settings?.modelRepo === 'string' ? settings.modelRepo : undefined;
        return (provider as PachydermProvider).lineage({ commit, repo: refs.repo ?? modelRepo }, context);
      },
    },
  },
};
