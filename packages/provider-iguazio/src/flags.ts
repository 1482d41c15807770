// How each setting of ./settings.ts appears as a flag of `modelship-iguazio` and an environment
// variable (MLRun's own names where it has one). Plain data, free of zod: `--help` reads only this.
import type { SettingFlag } from '@modelship/core';
import type { IguazioProviderSettings } from './settings.js';

type SchemaKey = Exclude<keyof IguazioProviderSettings, 'fetch' | 's3Client' | 'env'>;

export const settingFlags = {
  apiUrl: { description: 'MLRun API URL', env: 'MLRUN_DBPATH' },
  accessKey: { description: 'Iguazio access key', env: 'V3IO_ACCESS_KEY', secret: true },
  username: { description: 'Iguazio user name', env: 'V3IO_USERNAME' },
  project: { description: 'MLRun project (development)', env: 'MLRUN_DEFAULT_PROJECT' },
  functionName: { description: 'base name of serving functions (default serving)' },
  servingClass: {
    description: 'serving class of the model route (default mlrun.frameworks.sklearn.SklearnModelServer)',
  },
  projectSource: {
    description:
      'where MLRun loads the project and its workflows from, e.g. git://github.com/acme/fraud#main',
  },
  trainWorkflow: { description: 'workflow train submits (default train)' },
  stages: {
    type: 'json',
    description: 'JSON map STAGE → { project, function }: the project and serving function of an environment',
  },
  environments: {
    type: 'json',
    description:
      'JSON map STAGE → { apiUrl | apiUrlEnv, project, accessKeyEnv, usernameEnv, v3ioApi | v3ioApiEnv }: stages on their own MLRun cluster (variable names, never secrets)',
  },
  v3ioApi: {
    description: 'v3io web API of the home cluster (model files cross environments through it)',
    env: 'V3IO_API',
  },
  s3Bucket: { description: 'upload model files to this S3 bucket', env: 'MODELSHIP_IGUAZIO_S3_BUCKET' },
  s3Prefix: { description: 'key prefix in the S3 bucket (default modelship/)' },
  tagNames: {
    type: 'json',
    description:
      'JSON map TAG → MLRUN_TAG: the MLRun tag used for a modelship tag, e.g. {"champion":"production"}',
  },
  slackWebhook: {
    description: 'Slack webhook MLRun notifies when workflows end',
    env: 'SLACK_WEBHOOK_URL',
    secret: true,
  },
  pollIntervalMs: {
    type: 'number',
    description: 'poll interval of workflows and deploys, in ms (default 2000)',
  },
  timeoutMs: {
    type: 'number',
    description: 'longest wait for a workflow or a deploy, in ms (default 1800000)',
  },
} satisfies Record<SchemaKey, SettingFlag>;
