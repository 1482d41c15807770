// Settings and lazily built AWS clients: nothing is resolved until a call needs it.
import type { S3Client } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { InvalidInputError, type ProviderContext } from '@modelship/core';
import { parseDeployment } from './deployment-policy.js';
import type { MultipartDigests } from './s3-object.js';

export interface SageMakerCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SageMakerProviderSettings {
  /** AWS region; else `AWS_REGION` / `AWS_DEFAULT_REGION`. */
  region?: string;
  /** Static credentials; else the SDK's default chain (env, OIDC web identity, profiles, instance role). */
  credentials?: SageMakerCredentials;
  /** One endpoint URL for S3 and SageMaker (e.g. a moto server); else `MODELSHIP_AWS_ENDPOINT`. */
  endpoint?: string;
  /** Path-style S3 addressing (needed by moto and most S3 emulators). Default: true when `endpoint` is set. */
  forcePathStyle?: boolean;
  /** SDK attempts per call (default: the SDK's 3; tests use 1). */
  maxAttempts?: number;
  s3Client?: S3Client;
  sageMakerClient?: SageMakerClient;
  ssmClient?: SSMClient;
  /** Bucket for models, manifests and evaluation reports; else `MODELSHIP_SAGEMAKER_BUCKET`. */
  bucket?: string;
  /** Key prefix inside the bucket (default `modelship`). */
  prefix?: string;
  /** Execution role for training jobs, pipelines and models; else `MODELSHIP_SAGEMAKER_ROLE_ARN`. */
  roleArn?: string;
  /**
   * Instead of `roleArn`: the name of an SSM parameter holding the role ARN, as the SageMaker
   * MLOps template keeps it (`/sagemaker/execution/role`); else `MODELSHIP_SAGEMAKER_ROLE_PARAMETER`.
   * Read once per provider with GetParameter.
   */
  roleParameter?: string;
  /** Model package group; default: the model name. */
  modelPackageGroup?: string;
  /** Inference container image for registered packages; else `MODELSHIP_SAGEMAKER_IMAGE`. */
  inferenceImage?: string;
  /** Endpoint instance type (default `ml.m5.large`) and count (default 1). */
  instanceType?: string;
  instanceCount?: number;
  /** Multipart part size in bytes, at least 5 MiB (default 8 MiB). */
  partSize?: number;
  /** Parts in flight per file (default 4). */
  uploadConcurrency?: number;
  /**
   * Where a multipart file's digests go: `tags` (default; one PutObjectTagging after the upload)
   * or `metadata` (rewritten by a server-side CopyObject of the whole object, ≤ 5 GiB). Single-part
   * files always carry them as metadata in the PUT.
   */
  multipartDigests?: MultipartDigests;
  /** Waits poll with capped exponential backoff: first interval, cap, overall limit. */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  waitTimeoutMs?: number;
  /**
   * How an existing endpoint is updated (blue/green, UpdateEndpoint's DeploymentConfig), by
   * default and per stage (`deployment.stages.production`, merged over the default).
   */
  deployment?: DeploymentSettings & { stages?: Record<string, DeploymentSettings> };
  /** Environment to read fallbacks from (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** One stage's update policy (see UpdateEndpoint, DeploymentConfig / BlueGreenUpdatePolicy). */
export interface DeploymentSettings {
  /** Traffic shifting: `ALL_AT_ONCE` (default), `CANARY` or `LINEAR`. */
  traffic?: 'ALL_AT_ONCE' | 'CANARY' | 'LINEAR';
  /** CANARY: the first step's share (percent of capacity); LINEAR: each step's share. */
  stepPercent?: number;
  /** Seconds between the canary (or each linear step) and the next shift. */
  waitSeconds?: number;
  /** Baking: seconds the old fleet is kept after the full shift (TerminationWaitInSeconds). */
  bakeSeconds?: number;
  /** MaximumExecutionTimeoutInSeconds of the whole blue/green update. */
  maxExecutionSeconds?: number;
  /** CloudWatch alarms that roll the update back (AutoRollbackConfiguration). */
  alarms?: string[];
}

export const MIN_PART_SIZE = 5 * 1024 * 1024;

export interface ResolvedSettings {
  bucket(): string;
  prefix: string;
  roleArn(context: ProviderContext): Promise<string>;
  inferenceImage(): string;
  modelPackageGroup(modelName: string): string;
  instanceType: string;
  instanceCount: number;
  partSize: number;
  uploadConcurrency: number;
  multipartDigests: MultipartDigests;
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  waitTimeoutMs: number;
  deployment(stage: string): DeploymentSettings;
  s3(context: ProviderContext): Promise<S3Client>;
  sageMaker(context: ProviderContext): Promise<SageMakerClient>;
  /** Safe to show: no credentials. */
  describe(): Record<string, unknown>;
}

function pick(option: string | undefined, env: Record<string, string | undefined>, name: string) {
  return option ?? (env[name] || undefined);
}

function requireSetting(value: string | undefined, option: string, envName: string): string {
  if (value) return value;
  throw new InvalidInputError(
    `sagemaker: no ${option} configured; pass { ${option} } to createSageMakerProvider or set ${envName}`,
  );
}

export function resolveSettings(settings: SageMakerProviderSettings): ResolvedSettings {
  const env = settings.env ?? process.env;
  const partSize = settings.partSize ?? 8 * 1024 * 1024;
  if (partSize < MIN_PART_SIZE)
    throw new InvalidInputError(
      `sagemaker: partSize ${partSize} is below the S3 minimum of ${MIN_PART_SIZE} bytes (5 MiB); raise it`,
    );
  const multipartDigests = settings.multipartDigests ?? 'tags';
  if (multipartDigests !== 'tags' && multipartDigests !== 'metadata')
    throw new InvalidInputError(
      `sagemaker: multipartDigests must be "tags" or "metadata", got "${String(multipartDigests)}"`,
    );
  if (settings.deployment) parseDeployment(settings.deployment, 'deployment'); // fails before any call
  const endpoint = () => pick(settings.endpoint, env, 'MODELSHIP_AWS_ENDPOINT');
  const region = () =>
    requireSetting(
      settings.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined),
      'region',
      'AWS_REGION',
    );
  const common = (context: ProviderContext) => {
    if (settings.credentials) {
      context.redact.add(settings.credentials.secretAccessKey);
      context.redact.add(settings.credentials.sessionToken);
    }
    const url = endpoint();
    return {
      region: region(),
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
      ...(url ? { endpoint: url } : {}),
      ...(settings.maxAttempts ? { maxAttempts: settings.maxAttempts } : {}),
    };
  };
  let s3: Promise<S3Client> | undefined;
  let sageMaker: Promise<SageMakerClient> | undefined;
  let role: Promise<string> | undefined;
  return {
    bucket: () =>
      requireSetting(
        pick(settings.bucket, env, 'MODELSHIP_SAGEMAKER_BUCKET'),
        'bucket',
        'MODELSHIP_SAGEMAKER_BUCKET',
      ),
    prefix: (settings.prefix ?? 'modelship').replace(/^\/+|\/+$/g, ''),
    roleArn(context) {
      const arn = pick(settings.roleArn, env, 'MODELSHIP_SAGEMAKER_ROLE_ARN');
      if (arn) return Promise.resolve(arn);
      const parameter = pick(settings.roleParameter, env, 'MODELSHIP_SAGEMAKER_ROLE_PARAMETER');
      if (!parameter)
        throw new InvalidInputError(
          'sagemaker: no execution role configured; pass { roleArn } or { roleParameter } (an SSM parameter name such as /sagemaker/execution/role) to createSageMakerProvider, or set MODELSHIP_SAGEMAKER_ROLE_ARN or MODELSHIP_SAGEMAKER_ROLE_PARAMETER',
        );
      const config = common(context);
      role ??= readRoleParameter(settings.ssmClient, config, parameter, context).catch((error) => {
        role = undefined; // a failed read is not cached: the next call tries again
        throw error;
      });
      return role;
    },
    inferenceImage: () =>
      requireSetting(
        pick(settings.inferenceImage, env, 'MODELSHIP_SAGEMAKER_IMAGE'),
        'inferenceImage',
        'MODELSHIP_SAGEMAKER_IMAGE',
      ),
    modelPackageGroup: (modelName) => settings.modelPackageGroup ?? modelName,
    instanceType: settings.instanceType ?? 'ml.m5.large',
    instanceCount: settings.instanceCount ?? 1,
    partSize,
    uploadConcurrency: settings.uploadConcurrency ?? 4,
    multipartDigests,
    pollIntervalMs: settings.pollIntervalMs ?? 2_000,
    maxPollIntervalMs: settings.maxPollIntervalMs ?? 30_000,
    waitTimeoutMs: settings.waitTimeoutMs ?? 2 * 60 * 60_000,
    deployment: (stage) => ({ ...settings.deployment, ...settings.deployment?.stages?.[stage] }),
    async s3(context) {
      if (settings.s3Client) return settings.s3Client;
      const config = common(context); // throws a clear error before anything is cached
      s3 ??= import('@aws-sdk/client-s3').then(
        ({ S3Client }) =>
          new S3Client({ ...config, forcePathStyle: settings.forcePathStyle ?? endpoint() !== undefined }),
      );
      return s3;
    },
    async sageMaker(context) {
      if (settings.sageMakerClient) return settings.sageMakerClient;
      const config = common(context);
      sageMaker ??= import('@aws-sdk/client-sagemaker').then(
        ({ SageMakerClient }) => new SageMakerClient(config),
      );
      return sageMaker;
    },
    describe: () => ({
      region: settings.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
      endpoint: endpoint(),
      bucket: pick(settings.bucket, env, 'MODELSHIP_SAGEMAKER_BUCKET'),
      prefix: settings.prefix ?? 'modelship',
      roleArn: pick(settings.roleArn, env, 'MODELSHIP_SAGEMAKER_ROLE_ARN'),
      roleParameter: pick(settings.roleParameter, env, 'MODELSHIP_SAGEMAKER_ROLE_PARAMETER'),
      waitTimeoutMs: settings.waitTimeoutMs ?? 2 * 60 * 60_000,
      deployment: settings.deployment,
      modelPackageGroup: settings.modelPackageGroup,
      instanceType: settings.instanceType ?? 'ml.m5.large',
      partSize,
      uploadConcurrency: settings.uploadConcurrency ?? 4,
      multipartDigests,
    }),
  };
}

async function readRoleParameter(
  client: SSMClient | undefined,
  config: Record<string, unknown>,
  name: string,
  context: ProviderContext,
): Promise<string> {
  const SSM = await import('@aws-sdk/client-ssm');
  const ssm = client ?? new SSM.SSMClient(config);
  const { aws } = await import('./errors.js');
  const result = await aws('GetParameter', `SSM parameter ${name}`, () =>
    ssm.send(new SSM.GetParameterCommand({ Name: name }), { abortSignal: context.signal }),
  );
  const value = result.Parameter?.Value?.trim();
  if (!value?.startsWith('arn:'))
    throw new InvalidInputError(
      `sagemaker: SSM parameter ${name} holds ${value ? `"${value.slice(0, 40)}"` : 'nothing'}, not an IAM role ARN; store the execution role's ARN there or pass roleArn`,
    );
  context.logger.debug(`sagemaker: execution role ${value} from SSM parameter ${name}`);
  return value;
}
