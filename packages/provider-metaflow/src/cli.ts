// What `modelship-metaflow` adds to the generic wrapper verbs (upload, train, tag, deploy, status):
// its settings as flags (from ./flags.ts, so `--help` names each environment variable) and `select`
// / `show` for runs. Nothing heavy loads before a command runs: --help reads plain data only.
import { resolve } from 'node:path';
import type { ProviderCliOption, ProviderCliSpec } from '@modelship/core';
// The light errors entry keeps `modelship-<name> --help` from loading core (and zod).
import { InvalidInputError } from '@modelship/core/errors';
import { settingFlags } from './flags.js';
import type { MetaflowProvider } from './provider.js';
import type { ParsedSettings } from './settings.js';

type Values = Record<string, string | boolean | string[] | undefined>;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function scopeText(values: Values): string {
  const scope = [
    text(values.run) && `run ${values.run}`,
    text(values.commit) && `commit ${values.commit}`,
    text(values.branch) && `branch ${values.branch}`,
  ].filter(Boolean);
  return scope.length ? ` in scope ${scope.join(', ')}` : '';
}

/** Flags of `select` and `show`, which pick runs (`show` reads --run and --artifact). */
const runOptions: Record<string, ProviderCliOption> = {
  flow: { type: 'string', description: 'flow name (select)' },
  artifact: { type: 'string', description: 'required artifact (select) / artifact to read (show)' },
  run: {
    type: 'string',
    description: "run pathspec Flow/ID (show; select: only this run, e.g. from the build job's outputs)",
  },
  commit: { type: 'string', description: 'only runs started from this git commit' },
  branch: { type: 'string', description: 'only runs started on this git branch or @project branch' },
};

export const cliSpec: ProviderCliSpec<ParsedSettings> = {
  name: 'metaflow',
  summary: 'Metaflow / Outerbounds: flow runs, deployment-candidate tags, production flows on Argo Workflows',
  settings: settingFlags,
  settingsSchema: async () => (await import('./settings.js')).settingsSchema,
  // Flow files resolve against the command's directory; the command's environment is where the
  // provider reads its fallbacks (METAFLOW_SERVICE_URL, METAFLOW_DATASTORE_SYSROOT_S3, …).
  createProvider: async (settings, { env, cwd }) =>
    (await import('./provider.js')).createMetaflowProvider({
      ...settings,
      cwd: resolve(cwd, settings.cwd ?? '.'),
      processEnv: env,
    }),
  commands: {
    select: {
      description: 'newest successful run with a tag (and an artifact), by creation time',
      usage:
        'select --flow EvaluateNewModelFlow --tag deployment_candidate [--artifact model] [--run Flow/ID | --commit SHA | --branch NAME]',
      options: runOptions,
      async run({ provider, values, context }) {
        const flow = text(values.flow);
        const tag = (values.tag as string[] | undefined)?.[0];
        if (!flow || !tag) throw new InvalidInputError('select: pass --flow NAME and --tag TAG');
        const selected = await (provider as MetaflowProvider).select(
          {
            flow,
            tag,
            artifact: text(values.artifact),
            runId: text(values.run),
            commit: text(values.commit),
            branch: text(values.branch),
          },
          context,
        );
        if (!selected.run)
          throw new InvalidInputError(
            `select: no successful ${flow} run is tagged ${tag}${values.artifact ? ` with artifact ${values.artifact}` : ''}${scopeText(values)}; looked at ${selected.considered.length}${selected.considered.length ? `: ${selected.considered.map((c) => `${c.pathspec} ${c.skipped}`).join('; ')}` : ''}`,
          );
        return {
          runId: selected.run.pathspec,
          refs: { runId: selected.run.pathspec, flow },
          considered: selected.considered,
        };
      },
    },
    show: {
      description: 'a run: state, tags and artifacts (metrics)',
      usage: 'show --run Flow/ID [--artifact eval_metrics]',
      async run({ provider, values, context }) {
        const run = text(values.run);
        if (!run) throw new InvalidInputError('show: pass --run Flow/ID');
        const artifact = text(values.artifact);
        return (provider as MetaflowProvider).readRun(run, artifact ? [artifact] : [], context);
      },
    },
  },
};
