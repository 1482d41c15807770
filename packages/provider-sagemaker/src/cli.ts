// What `modelship-sagemaker` adds to the generic wrapper verbs: the provider settings as flags
// (each with its environment fallback) and registry/endpoint extras.
import type { ProviderCliSpec } from '@modelship/core';
// The light errors entry keeps `modelship-<name> --help` from loading core (and zod).
import { InvalidInputError } from '@modelship/core/errors';
import { parseDeployment } from './deployment-policy.js';
import type { SageMakerProvider } from './provider.js';
import type { MultipartDigests } from './s3-object.js';
import type { SageMakerProviderSettings } from './settings.js';

type Values = Record<string, string | boolean | string[] | undefined>;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function integer(values: Values, name: string): number | undefined {
  const value = text(values[name]);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new InvalidInputError(`--${name} must be a positive integer, got "${value}"`);
  return parsed;
}

/** `--deployment` (or `deployment:` in the config file, which arrives as JSON text). */
function deployment(values: Values): SageMakerProviderSettings['deployment'] {
  const value = text(values.deployment);
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new InvalidInputError(
      `--deployment must be JSON such as {"traffic":"CANARY","stepPercent":10,"waitSeconds":600}: ${(error as Error).message}`,
    );
  }
  return parseDeployment(parsed, 'deployment');
}

function multipartDigests(values: Values): MultipartDigests | undefined {
  const value = text(values['multipart-digests']);
  if (value === undefined || value === 'tags' || value === 'metadata') return value;
  throw new InvalidInputError(`--multipart-digests must be tags or metadata, got "${value}"`);
}

/** Pure: CLI values (flags already merged with their env fallbacks) → provider settings. */
export function cliValuesToSettings(values: Values, env: NodeJS.ProcessEnv): SageMakerProviderSettings {
  return {
    region: text(values.region),
    endpoint: text(values['aws-endpoint']),
    bucket: text(values.bucket),
    prefix: text(values.prefix),
    roleArn: text(values['role-arn']),
    roleParameter: text(values['role-parameter']),
    modelPackageGroup: text(values['model-package-group']),
    inferenceImage: text(values['inference-image']),
    instanceType: text(values['instance-type']),
    instanceCount: integer(values, 'instance-count'),
    partSize:
      integer(values, 'part-size-mib') === undefined
        ? undefined
        : integer(values, 'part-size-mib')! * 1024 * 1024,
    uploadConcurrency: integer(values, 'upload-concurrency'),
    multipartDigests: multipartDigests(values),
    pollIntervalMs: integer(values, 'poll-interval-ms'),
    waitTimeoutMs: integer(values, 'wait-timeout-ms'),
    deployment: deployment(values),
    maxAttempts: integer(values, 'max-attempts'),
    env,
  };
}

export const cliSpec: ProviderCliSpec = {
  name: 'sagemaker',
  summary:
    'Amazon SageMaker: S3 upload with digests, training jobs and pipelines, model registry approvals, <group>-<stage> endpoints',
  options: {
    region: { type: 'string', description: 'AWS region', env: 'AWS_REGION' },
    'aws-endpoint': {
      type: 'string',
      description: 'endpoint URL for S3 and SageMaker (e.g. a moto server)',
      env: 'MODELSHIP_AWS_ENDPOINT',
    },
    bucket: {
      type: 'string',
      description: 'S3 bucket for models and reports',
      env: 'MODELSHIP_SAGEMAKER_BUCKET',
    },
    prefix: {
      type: 'string',
      description: 'key prefix in the bucket (default modelship)',
      env: 'MODELSHIP_SAGEMAKER_PREFIX',
    },
    'role-arn': {
      type: 'string',
      description: 'SageMaker execution role ARN',
      env: 'MODELSHIP_SAGEMAKER_ROLE_ARN',
    },
    'role-parameter': {
      type: 'string',
      description:
        'SSM parameter holding the execution role ARN (e.g. /sagemaker/execution/role), instead of --role-arn',
      env: 'MODELSHIP_SAGEMAKER_ROLE_PARAMETER',
    },
    'model-package-group': {
      type: 'string',
      description: 'model package group (default: the model name)',
      env: 'MODELSHIP_SAGEMAKER_MODEL_PACKAGE_GROUP',
    },
    'inference-image': {
      type: 'string',
      description: 'inference container image of registered packages',
      env: 'MODELSHIP_SAGEMAKER_IMAGE',
    },
    'instance-type': { type: 'string', description: 'endpoint instance type (default ml.m5.large)' },
    'instance-count': { type: 'string', description: 'endpoint instance count (default 1)' },
    'part-size-mib': { type: 'string', description: 'multipart part size in MiB, at least 5 (default 8)' },
    'upload-concurrency': { type: 'string', description: 'parts in flight per file (default 4)' },
    'multipart-digests': {
      type: 'string',
      description:
        'where multipart files keep their digests: tags (default) or metadata (a server-side copy)',
    },
    'poll-interval-ms': { type: 'string', description: 'first wait interval; doubles up to 30 s' },
    'wait-timeout-ms': {
      type: 'string',
      description: 'longest wait for an endpoint, training job or pipeline (default 7200000, two hours)',
      env: 'MODELSHIP_SAGEMAKER_WAIT_TIMEOUT_MS',
    },
    deployment: {
      type: 'string',
      description:
        'endpoint update policy as JSON: traffic ALL_AT_ONCE|CANARY|LINEAR, stepPercent, waitSeconds, bakeSeconds, maxExecutionSeconds, alarms, and stages.<stage> overrides',
    },
    'max-attempts': { type: 'string', description: 'AWS SDK attempts per call (default 3)' },
  },
  create: async (values, env) =>
    (await import('./provider.js')).createSageMakerProvider(cliValuesToSettings(values, env)),
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
        return provider.undeploy!({ model: { name: model }, stage }, context);
      },
    },
  },
};
