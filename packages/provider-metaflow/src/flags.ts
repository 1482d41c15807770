// How each setting of ./settings.ts appears as a flag of `modelship-metaflow` and an environment
// variable (Metaflow's own names where it reads one). Plain data, free of zod: `--help` reads only this.
import type { SettingFlag } from '@modelship/core';
import type { settingsSchema } from './settings.js';

type SettingKey = keyof (typeof settingsSchema)['_zod']['input'];

export const settingFlags = {
  python: {
    description: 'Python with Metaflow installed (default python3)',
    env: 'MODELSHIP_METAFLOW_PYTHON',
  },
  cwd: { description: 'directory of the flow files (default: current directory)' },
  env: {
    type: 'json',
    flag: false,
    description: 'extra environment for every Metaflow command, e.g. {"METAFLOW_DEFAULT_DATASTORE":"s3"}',
  },
  namespace: { description: 'client namespace for lookups, e.g. user:alice (default: all)' },
  metadataServiceUrl: { description: 'metadata service URL', env: 'METAFLOW_SERVICE_URL' },
  apiKey: { description: 'metadata service key', env: 'METAFLOW_SERVICE_AUTH_KEY', secret: true },
  serviceHeaders: {
    type: 'json',
    description: 'JSON object of extra metadata service headers (an Outerbounds service principal)',
    env: 'METAFLOW_SERVICE_HEADERS',
    secret: true,
  },
  serviceTimeoutMs: {
    type: 'number',
    description: 'longest wait for one metadata service request, in ms (default 10000)',
  },
  productionToken: {
    description: 'production token for argo-workflows create --authorize',
    env: 'MODELSHIP_METAFLOW_PRODUCTION_TOKEN',
    secret: true,
  },
  user: { description: 'METAFLOW_USER for the commands', env: 'METAFLOW_USER' },
  trainFlow: { description: 'flow file train runs, e.g. evaluate_new_model_flow.py' },
  deployFlow: { description: 'flow file deployed to Argo stages, e.g. predict_flow.py' },
  metricsArtifact: { description: 'artifact with the metrics (default eval_metrics)' },
  modelArtifact: { description: 'artifact with the model path/URI (select requires it)' },
  stageTags: {
    type: 'list',
    flag: 'stage-tag',
    description:
      'STAGE=TAG run tags of stages, comma separated (default staging=deployment_candidate,production=production)',
  },
  argoStages: {
    type: 'list',
    flag: 'argo-stage',
    description: 'stages deployed to Argo Workflows, comma separated (default production)',
  },
  upstreamRunParameter: { description: 'deploy flow parameter for the run (default upstream-run-id)' },
  deployDatastore: { description: '--datastore for argo-workflows (e.g. s3)' },
  // Booleans that default to true have no flag (a flag can only say true); config or environment.
  production: {
    type: 'boolean',
    flag: false,
    description: 'pass --production to argo-workflows (the flow uses @project; default true)',
    env: 'MODELSHIP_METAFLOW_PRODUCTION',
  },
  templateDir: {
    description: 'with --only-json, write templates here',
    env: 'MODELSHIP_METAFLOW_TEMPLATE_DIR',
  },
  onlyJson: {
    type: 'boolean',
    description: 'render the Argo WorkflowTemplate only; touch no cluster',
    env: 'MODELSHIP_METAFLOW_ONLY_JSON',
  },
  withCard: {
    type: 'boolean',
    flag: false,
    description: 'train with --with card (default true; one train call: --option withCard=false)',
    env: 'MODELSHIP_METAFLOW_WITH_CARD',
  },
  s3Root: {
    description: 'upload root s3://bucket/prefix (default $METAFLOW_DATASTORE_SYSROOT_S3/modelship)',
  },
  s3Endpoint: { description: 'S3 endpoint', env: 'METAFLOW_S3_ENDPOINT_URL' },
  timeoutMs: { type: 'number', description: 'upper bound for one Metaflow command, in ms (default 1 hour)' },
} satisfies Record<SettingKey, SettingFlag>;
