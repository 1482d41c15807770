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

export function settingsFromFlags(values: Values, env: NodeJS.ProcessEnv) {
  const argoStages = list(values['argo-stage']);
  return {
    python: text(values.python),
    cwd: text(values.cwd),
    namespace: text(values.namespace),
    metadataServiceUrl: text(values['metadata-service-url']),
    apiKey: text(values['api-key']),
    user: text(values.user),
    trainFlow: text(values['train-flow']),
    deployFlow: text(values['deploy-flow']),
    metricsArtifact: text(values['metrics-artifact']),
    modelArtifact: text(values['model-artifact']),
    stageTags: stageTagsOf(list(values['stage-tag'])),
    ...(argoStages.length ? { argoStages } : {}),
    upstreamRunParameter: text(values['upstream-run-parameter']),
    deployDatastore: text(values['deploy-datastore']),
    onlyJson: values['only-json'] === true,
    withCard: values['no-card'] !== true,
    s3Root: text(values['s3-root']),
    s3Endpoint: text(values['s3-endpoint']),
    templateDir: text(values['template-dir']),
    processEnv: env,
  };
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
    run: { type: 'string', description: 'run pathspec Flow/ID (show)' },
  },
  create: async (values, env) =>
    (await import('./provider.js')).createMetaflowProvider(settingsFromFlags(values, env)),
  commands: {
    select: {
      description: 'newest successful run with a tag (and an artifact), by creation time',
      usage: 'select --flow EvaluateNewModelFlow --tag deployment_candidate [--artifact model]',
      async run({ provider, values, context }) {
        const flow = text(values.flow);
        const tag = list(values.tag)[0];
        if (!flow || !tag) throw new InvalidInputError('select: pass --flow NAME and --tag TAG');
        const selected = await (provider as MetaflowProvider).select(
          { flow, tag, artifact: text(values.artifact) },
          context,
        );
        if (!selected.run)
          throw new InvalidInputError(
            `select: no successful ${flow} run is tagged ${tag}${values.artifact ? ` with artifact ${values.artifact}` : ''}; looked at ${selected.considered.length}`,
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
