// What `modelship-algorithmia` adds to the generic wrapper verbs: its settings as flags (from
// ./flags.ts, with the action's environment variables) and the `publish` command. Nothing heavy
// loads before a command runs: --help reads plain data only.
import { resolve } from 'node:path';
import type { ProviderCliSpec } from '@modelship/core';
// The light errors entry keeps `modelship-<name> --help` from loading core (and zod).
import { InvalidInputError } from '@modelship/core/errors';
import { settingFlags } from './flags.js';
import type { AlgorithmiaProvider } from './provider.js';
import type { AlgorithmiaProviderSettings } from './settings.js';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export const cliSpec: ProviderCliSpec<AlgorithmiaProviderSettings> = {
  name: 'algorithmia',
  summary:
    'Deploy to Algorithmia: notebook training, data collection upload, algorithm repo push, build wait, tests, publish',
  settings: settingFlags,
  settingsSchema: async () => (await import('./settings.js')).settingsSchema,
  // Paths resolve against the command's directory; its environment is where fallbacks are read.
  createProvider: async (settings, { env, cwd }) => {
    const at = (path: string | undefined) => (path === undefined ? undefined : resolve(cwd, path));
    return (await import('./provider.js')).createAlgorithmiaProvider({
      ...settings,
      workspace: resolve(cwd, settings.workspace ?? '.'),
      algorithmDir: at(settings.algorithmDir),
      testCases: typeof settings.testCases === 'string' ? at(settings.testCases) : settings.testCases,
      env,
    });
  },
  commands: {
    publish: {
      description: 'publish the built algorithm commit of a version (details.label = the modelship version)',
      usage: 'publish --model M --version V --ref algoCommit=SHA [--version-type minor]',
      async run({ provider, values, context }) {
        const model = text(values.model);
        const version = text(values.version);
        if (!model || !version) throw new InvalidInputError('publish: --model and --version are required');
        const refs = Object.fromEntries(
          ((values.ref as string[] | undefined) ?? []).map((pair) => {
            const cut = pair.indexOf('=');
            if (cut < 1) throw new InvalidInputError(`publish: --ref "${pair}" must be K=V`);
            return [pair.slice(0, cut), pair.slice(cut + 1)];
          }),
        );
        return (provider as AlgorithmiaProvider).publish({ model: { name: model, version }, refs }, context);
      },
    },
  },
};
