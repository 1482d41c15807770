// What `modelship-iguazio` adds to the generic wrapper verbs: its settings as flags (from
// ./flags.ts, so `--help` names each environment variable) and `export`. Nothing heavy loads
// before a command runs: --help reads plain data only.
import type { ProviderCliSpec } from '@modelship/core';
// The light errors entry keeps `modelship-<name> --help` from loading core (and zod).
import { InvalidInputError } from '@modelship/core/errors';
import { settingFlags } from './flags.js';
import type { IguazioProvider } from './provider.js';
import type { IguazioProviderSettings } from './settings.js';

function text(value: unknown): string | undefined {
  if (Array.isArray(value)) return text(value[0]);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

async function askOnTerminal(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    for (;;) {
      const answer = (await rl.question(question)).trim().toLowerCase();
      if (answer === 'yes' || answer === 'no') return answer === 'yes';
      process.stderr.write("Invalid input. Please enter 'yes' or 'no'.\n");
    }
  } finally {
    rl.close();
  }
}

export const cliSpec: ProviderCliSpec<IguazioProviderSettings> = {
  name: 'iguazio',
  summary:
    'Iguazio / MLRun over its REST API: projects, workflows, challenger/champion tags, serving deploys',
  settings: settingFlags,
  settingsSchema: async () => (await import('./settings.js')).settingsSchema,
  // The command's environment, not process.env, is where the provider reads environments' variables.
  createProvider: async (settings, { env }) =>
    (await import('./provider.js')).createIguazioProvider({ ...settings, env }),
  commands: {
    export: {
      description: "write a model's artifact YAML to artifacts/<key>:<tag>.yaml (asks first unless --yes)",
      usage:
        'export --model-uri store://models/<project>/<key>[...] [--tag challenger] [--dir artifacts] [--yes]',
      options: {
        'model-uri': { type: 'string', description: 'store:// URI of the model' },
        dir: { type: 'string', description: 'export directory (default artifacts)' },
        yes: { type: 'boolean', description: 'export without asking (CI)' },
      },
      async run({ provider, values, context }) {
        const modelUri = text(values['model-uri']);
        if (!modelUri)
          throw new InvalidInputError('export: --model-uri is required (a store://models/... URI)');
        return (provider as IguazioProvider).exportModel(
          {
            modelUri,
            tag: text(values.tag),
            dir: text(values.dir),
            yes: values.yes === true,
            confirm: process.stdin.isTTY ? askOnTerminal : undefined,
          },
          context,
        );
      },
    },
  },
};
