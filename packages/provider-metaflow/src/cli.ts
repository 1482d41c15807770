// What `modelship-metaflow` adds to the generic wrapper verbs (upload, train, tag, deploy, status):
// the provider settings as flags, and `select` / `show` for runs.
import type { ProviderCliSpec } from '@modelship/core';
// The light errors entry keeps `modelship-<name> --help` from loading core (and zod).
import { InvalidInputError } from '@modelship/core/errors';
import type { MetaflowProvider } from './provider.js';

type Values = Record<string, string | boolean | string[] | undefined>;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function list(value: unknown): string[] {
  return Array.isArray(value) ? value : typeof value === 'string' && value ? [value] : [];
}

/** `--stage-tag staging=deployment_candidate` (repeatable) → a record. */
export function stageTagsOf(values: readonly string[]): Record<string, string> | undefined {
  if (values.length === 0) return undefined;
  return Object.fromEntries(
    values.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0 || at === pair.length - 1)
        throw new InvalidInputError(
          `--stage-tag "${pair}" must be STAGE=TAG, e.g. staging=deployment_candidate`,
        );
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

/**
 * A setting from its flag (`train-flow`) or its config key (`trainFlow`): `modelship` hands the
 * config's `providers.metaflow` over as written, so both spellings must mean the same.
 */
function pick(values: Values, flag: string): unknown {
  return values[flag] ?? values[configKey(flag)];
}

function configKey(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** A config value the CLI passed on as text (`true`, `["production"]`) back to what it was. */
function parsed(value: unknown): unknown {
  if (typeof value !== 'string' || !/^[[{]|^(true|false)$/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function flag(values: Values, name: string): boolean | undefined {
  const value = parsed(pick(values, name));
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean')
    throw new InvalidInputError(
      `the metaflow setting ${values[name] === undefined ? configKey(name) : `--${name}`} must be true or false, not ${JSON.stringify(value)}`,
    );
  return value;
}

function stageTagsSetting(values: Values): Record<string, string> | undefined {
  const value = parsed(values.stageTags);
  if (value === undefined) return stageTagsOf(list(values['stage-tag']));
  if (
    !value ||
    typeof value !== 'object' ||
    Array.isArray(value) ||
    Object.values(value).some((v) => typeof v !== 'string')
  )
    throw new InvalidInputError(
      `the metaflow setting stageTags must map stage names to tags, e.g. { staging: deployment_candidate }`,
    );
  return value as Record<string, string>;
}

export function settingsFromFlags(values: Values, env: NodeJS.ProcessEnv) {
  const argoStages = (() => {
    const value = parsed(pick(values, 'argo-stage') ?? values.argoStages);
    return Array.isArray(value) ? value.map(String) : list(value);
  })();
  const noCard = flag(values, 'no-card');
  const withCard = flag(values, 'with-card');
  return {
    python: text(pick(values, 'python')),
    cwd: text(pick(values, 'cwd')),
    namespace: text(pick(values, 'namespace')),
    metadataServiceUrl: text(pick(values, 'metadata-service-url')),
    apiKey: text(pick(values, 'api-key')),
    user: text(pick(values, 'user')),
    trainFlow: text(pick(values, 'train-flow')),
    deployFlow: text(pick(values, 'deploy-flow')),
    metricsArtifact: text(pick(values, 'metrics-artifact')),
    modelArtifact: text(pick(values, 'model-artifact')),
    stageTags: stageTagsSetting(values),
    ...(argoStages.length ? { argoStages } : {}),
    upstreamRunParameter: text(pick(values, 'upstream-run-parameter')),
    deployDatastore: text(pick(values, 'deploy-datastore')),
    onlyJson: flag(values, 'only-json') === true,
    withCard: noCard === true ? false : (withCard ?? true),
    s3Root: text(pick(values, 's3-root')),
    s3Endpoint: text(pick(values, 's3-endpoint')),
    templateDir: text(pick(values, 'template-dir')),
    processEnv: env,
  };
}

function scopeText(values: Values): string {
  const scope = [
    text(values.run) && `run ${values.run}`,
    text(values.commit) && `commit ${values.commit}`,
    text(values.branch) && `branch ${values.branch}`,
  ].filter(Boolean);
  return scope.length ? ` in scope ${scope.join(', ')}` : '';
}

export const cliSpec: ProviderCliSpec = {
  name: 'metaflow',
  summary: 'Metaflow / Outerbounds: flow runs, deployment-candidate tags, production flows on Argo Workflows',
  options: {
    python: {
      type: 'string',
      description: 'Python with Metaflow installed (default python3)',
      env: 'MODELSHIP_METAFLOW_PYTHON',
    },
    cwd: { type: 'string', description: 'directory of the flow files (default: current directory)' },
    namespace: {
      type: 'string',
      description: 'client namespace for lookups, e.g. user:alice (default: all)',
    },
    'metadata-service-url': {
      type: 'string',
      description: 'metadata service URL',
      env: 'METAFLOW_SERVICE_URL',
    },
    'api-key': {
      type: 'string',
      description: 'metadata service key',
      env: 'METAFLOW_SERVICE_AUTH_KEY',
      secret: true,
    },
    user: { type: 'string', description: 'METAFLOW_USER for the commands', env: 'METAFLOW_USER' },
    'train-flow': { type: 'string', description: 'flow file train runs, e.g. evaluate_new_model_flow.py' },
    'deploy-flow': { type: 'string', description: 'flow file deployed to Argo stages, e.g. predict_flow.py' },
    'metrics-artifact': { type: 'string', description: 'artifact with the metrics (default eval_metrics)' },
    'model-artifact': {
      type: 'string',
      description: 'artifact with the model path/URI (select requires it)',
    },
    'stage-tag': { type: 'string', multiple: true, description: 'STAGE=TAG run tag of a stage (repeatable)' },
    'argo-stage': {
      type: 'string',
      multiple: true,
      description: 'stage deployed to Argo Workflows (default production)',
    },
    'upstream-run-parameter': {
      type: 'string',
      description: 'deploy flow parameter for the run (default upstream-run-id)',
    },
    'deploy-datastore': { type: 'string', description: '--datastore for argo-workflows (e.g. s3)' },
    'only-json': { type: 'boolean', description: 'render the Argo WorkflowTemplate only; touch no cluster' },
    'template-dir': { type: 'string', description: 'with --only-json, write templates here' },
    'no-card': { type: 'boolean', description: 'train without --with card' },
    's3-root': {
      type: 'string',
      description: 'upload root s3://bucket/prefix (default $METAFLOW_DATASTORE_SYSROOT_S3/modelship)',
    },
    's3-endpoint': { type: 'string', description: 'S3 endpoint', env: 'METAFLOW_S3_ENDPOINT_URL' },
    flow: { type: 'string', description: 'flow name (select)' },
    artifact: { type: 'string', description: 'required artifact (select)' },
    run: {
      type: 'string',
      description: "run pathspec Flow/ID (show; select: only this run, e.g. from the build job's outputs)",
    },
    commit: { type: 'string', description: 'select: only runs started from this git commit' },
    branch: {
      type: 'string',
      description: 'select: only runs started on this git branch or @project branch',
    },
  },
  create: async (values, env) =>
    (await import('./provider.js')).createMetaflowProvider(settingsFromFlags(values, env)),
  commands: {
    select: {
      description: 'newest successful run with a tag (and an artifact), by creation time',
      usage:
        'select --flow EvaluateNewModelFlow --tag deployment_candidate [--artifact model] [--run Flow/ID | --commit SHA | --branch NAME]',
      async run({ provider, values, context }) {
        const flow = text(values.flow);
        const tag = list(values.tag)[0];
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
        return (provider as MetaflowProvider).readRun(run, list(values.artifact), context);
      },
    },
  },
};
