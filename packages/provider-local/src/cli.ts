// What `modelship-local` adds to the generic wrapper verbs: its settings as flags (from
// ./flags.ts) and the local-only commands (serve in the foreground, rollback, undeploy, list
// deployments). Nothing heavy loads before a command runs: --help reads plain data only.
import { resolve } from 'node:path';
import type { ProviderCliSpec } from '@modelship/core';
// The light errors entry keeps `modelship-<name> --help` from loading core (and zod).
import { InvalidInputError } from '@modelship/core/errors';
import { settingFlags } from './flags.js';
import type { LocalProvider } from './provider.js';
import type { LocalProviderSettings } from './settings.js';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function required(values: Record<string, unknown>, name: string, command: string): string {
  const value = text(values[name]);
  if (!value) throw new InvalidInputError(`${command}: --${name} is required`);
  return value;
}

export const cliSpec: ProviderCliSpec<LocalProviderSettings> = {
  name: 'local',
  summary: 'the embedded, offline provider: artifact store, training runs and inference servers on 127.0.0.1',
  settings: settingFlags,
  settingsSchema: async () => (await import('./settings.js')).settingsSchema,
  // A relative root is relative to where the command runs, as every path on a command line is.
  createProvider: async (settings, { cwd }) =>
    (await import('./provider.js')).createLocalProvider({
      ...settings,
      root: resolve(cwd, settings.root ?? '.modelship'),
    }),
  commands: {
    serve: {
      description: 'verify a stored model against its manifest, then serve it in the foreground until Ctrl-C',
      usage: 'serve <artifact-dir> [--port N]',
      async run({ positionals, values, settings, context }) {
        const dir = positionals[0];
        if (!dir)
          throw new InvalidInputError(
            'serve: pass the artifact directory (it holds modelship.manifest.json)',
          );
        const { startInferenceServer } = await import('./server.js');
        const server = await startInferenceServer({
          artifactDir: dir,
          port: Number(values.port ?? 0),
          host: text(settings?.host),
        });
        context.logger.info(
          `serving ${dir} at ${server.url} (verified ${server.health.manifestDigest}); Ctrl-C stops`,
        );
        await new Promise<void>((done) => {
          const stop = () => void server.close().then(done);
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
          context.signal.addEventListener('abort', stop, { once: true });
        });
        return { url: server.url, stopped: true };
      },
    },
    rollback: {
      description: 'put back what served the stage before its last deploy (again: swap back)',
      usage: 'rollback --model M --stage S',
      run: ({ provider, values, context }) =>
        (provider as LocalProvider).rollback(
          { model: required(values, 'model', 'rollback'), stage: required(values, 'stage', 'rollback') },
          context,
        ),
    },
    undeploy: {
      description: 'stop the inference server of a stage, or every server of this store with --all',
      usage: 'undeploy --model M --stage S | undeploy --all',
      async run({ provider, values, context }) {
        const local = provider as LocalProvider;
        if (values.all === true) return { stopped: await local.undeployAll(context) };
        return local.undeploy(
          {
            model: { name: required(values, 'model', 'undeploy') },
            stage: required(values, 'stage', 'undeploy'),
          },
          context,
        );
      },
    },
    deployments: {
      description: 'list the running deployments of this store',
      run: async ({ provider }) => ({ deployments: await (provider as LocalProvider).deployments() }),
    },
  },
};
