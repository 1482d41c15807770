// How each setting of ./settings.ts appears as a flag of `modelship-sagemaker` and an environment
// variable (AWS's own where one exists). Plain data, free of zod: `--help` reads only this.
// AWS credentials are not settings here: the SDK's default chain reads AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE and GitHub's OIDC web identity itself.
import type { SettingFlag } from '@modelship/core';
import type { settingsSchema } from './settings.js';

type SettingKey = keyof (typeof settingsSchema)['_zod']['input'];

export const settingFlags = {
  region: { description: 'AWS region', env: 'AWS_REGION' },
  endpoint: {
    flag: 'aws-endpoint',
    description: 'endpoint URL for S3, SageMaker and SSM (e.g. a moto server)',
    env: 'MODELSHIP_AWS_ENDPOINT',
  },
  forcePathStyle: {
    type: 'boolean',
    description: 'path-style S3 addressing (default: on when --aws-endpoint is set)',
  },
  maxAttempts: { type: 'number', description: 'AWS SDK attempts per call (default 3)' },
  bucket: { description: 'S3 bucket for models and reports', env: 'MODELSHIP_SAGEMAKER_BUCKET' },
  prefix: { description: 'key prefix in the bucket (default modelship)', env: 'MODELSHIP_SAGEMAKER_PREFIX' },
  roleArn: { description: 'SageMaker execution role ARN', env: 'MODELSHIP_SAGEMAKER_ROLE_ARN' },
  roleParameter: {
    description:
      'SSM parameter holding the execution role ARN (e.g. /sagemaker/execution/role), instead of --role-arn',
    env: 'MODELSHIP_SAGEMAKER_ROLE_PARAMETER',
  },
  modelPackageGroup: {
    description: 'model package group (default: the model name)',
    env: 'MODELSHIP_SAGEMAKER_MODEL_PACKAGE_GROUP',
  },
  inferenceImage: {
    description: 'inference container image of registered packages',
    env: 'MODELSHIP_SAGEMAKER_IMAGE',
  },
  instanceType: { description: 'endpoint instance type (default ml.m5.large)' },
  instanceCount: { type: 'number', description: 'endpoint instance count (default 1)' },
  partSize: { description: 'multipart part size in bytes or <n>MiB, at least 5MiB (default 8MiB)' },
  uploadConcurrency: { type: 'number', description: 'parts in flight per file (default 4)' },
  multipartDigests: {
    description: 'where multipart files keep their digests: tags (default) or metadata (a server-side copy)',
  },
  pollIntervalMs: {
    type: 'number',
    description: 'first wait interval in ms (default 2000); doubles up to the cap',
  },
  maxPollIntervalMs: { type: 'number', description: 'cap of the wait interval in ms (default 30000)' },
  waitTimeoutMs: {
    type: 'number',
    description: 'longest wait for an endpoint, training job or pipeline in ms (default 7200000, two hours)',
    env: 'MODELSHIP_SAGEMAKER_WAIT_TIMEOUT_MS',
  },
  deployment: {
    type: 'json',
    description:
      'endpoint update policy as JSON: traffic ALL_AT_ONCE|CANARY|LINEAR, stepPercent, waitSeconds, bakeSeconds, maxExecutionSeconds, alarms, and stages.<stage> overrides',
  },
} satisfies Record<SettingKey, SettingFlag>;
