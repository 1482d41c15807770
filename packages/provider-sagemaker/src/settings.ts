// provider-sagemaker's settings: the one schema that the factory, `modelship-sagemaker` flags and
// help, the environment and `providers.sagemaker` in modelship.config all read, with the same
// camelCase keys (flag names and environment variables: ./flags.ts). Programmatic calls also fall
// back to the environment variables at call time; nothing is resolved in the factory.
import type { S3Client } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { InvalidInputError, type ProviderContext } from '@modelship/core';
import { parseSettings } from '@modelship/core/provider-kit';
import { z } from 'zod';
import { type AwsConnection, awsClients, type SageMakerApi } from './client.js';

const MIB = 1024 * 1024;
/** S3's smallest multipart part. */
export const MIN_PART_SIZE = 5 * MIB;

const text = z.string().min(1).optional();
const positive = z.number().int().positive().optional();
const seconds = (min: number, max: number) => z.number().int().min(min).max(max).optional();

/**
 * One stage's update policy (UpdateEndpoint's DeploymentConfig, blue/green). The limits are the
 * API reference's (TrafficRoutingConfig, CapacitySize, BlueGreenUpdatePolicy, AutoRollbackConfig).
 */
export const deploymentPolicySchema = z.strictObject({
  /** Traffic shifting: `ALL_AT_ONCE` (default), `CANARY` or `LINEAR`. */
  traffic: z.enum(['ALL_AT_ONCE', 'CANARY', 'LINEAR']).optional(),
  /** CANARY: the first step's share (percent of capacity, ≤ 50); LINEAR: each step's share (10–50). */
  stepPercent: z.number().int().min(1).max(50).optional(),
  /** Seconds between the canary (or each linear step) and the next shift. */
  waitSeconds: seconds(0, 3600),
  /** Baking: seconds the old fleet is kept after the full shift (TerminationWaitInSeconds). */
  bakeSeconds: seconds(0, 3600),
  /** MaximumExecutionTimeoutInSeconds of the whole blue/green update. */
  maxExecutionSeconds: seconds(600, 28800),
  /** CloudWatch alarms that roll the update back (AutoRollbackConfiguration), at most 10. */
  alarms: z.array(z.string().min(1)).max(10).optional(),
});
export type DeploymentSettings = z.infer<typeof deploymentPolicySchema>;

/** `8388608` or `8MiB` (a flag or environment value arrives as text). */
const partSize = z
  .union([z.number().int(), z.string().regex(/^\d+\s*(MiB)?$/i, 'expected bytes or <n>MiB, e.g. 16MiB')])
  .transform((value) =>
    typeof value === 'number' ? value : Number.parseInt(value, 10) * (/mib$/i.test(value) ? MIB : 1),
  )
  .pipe(
    z
      .number()
      .min(MIN_PART_SIZE, `below the S3 minimum of ${MIN_PART_SIZE} bytes (5 MiB); raise it (e.g. 8MiB)`),
  );

/** Strict: an unknown key is an error naming it and the known ones. */
export const settingsSchema = z.strictObject({
  /** AWS region (→ AWS_REGION → AWS_DEFAULT_REGION). */
  region: text,
  /** One endpoint URL for S3, SageMaker and SSM, e.g. a moto server (→ MODELSHIP_AWS_ENDPOINT). */
  endpoint: text,
  /** Path-style S3 addressing (moto and most S3 emulators need it). Default: true when `endpoint` is set. */
  forcePathStyle: z.boolean().optional(),
  /** SDK attempts per call (default: the SDK's 3; tests use 1). */
  maxAttempts: positive,
  /** Bucket for models, manifests and evaluation reports (→ MODELSHIP_SAGEMAKER_BUCKET). */
  bucket: text,
  /** Key prefix inside the bucket (default `modelship`). */
  prefix: text,
  /** Execution role for training jobs, pipelines and models (→ MODELSHIP_SAGEMAKER_ROLE_ARN). */
  roleArn: text,
  /**
   * Instead of `roleArn`: the SSM parameter holding the role ARN, as the SageMaker MLOps template
   * keeps it (`/sagemaker/execution/role`; → MODELSHIP_SAGEMAKER_ROLE_PARAMETER). Read once per provider.
   */
  roleParameter: text,
  /** Model package group; default: the model name. */
  modelPackageGroup: text,
  /** Inference container image of registered packages (→ MODELSHIP_SAGEMAKER_IMAGE). */
  inferenceImage: text,
  /** Endpoint instance type (default `ml.m5.large`). */
  instanceType: text,
  /** Endpoint instance count (default 1). */
  instanceCount: positive,
  /** Multipart part size in bytes or `<n>MiB`, at least 5 MiB (default 8 MiB). */
  partSize: partSize.optional(),
  /** Parts in flight per file (default 4). */
  uploadConcurrency: positive,
  /**
   * Where a multipart file's digests go: `tags` (default; one PutObjectTagging after the upload)
   * or `metadata` (rewritten by a server-side CopyObject of the whole object, ≤ 5 GiB). Single-part
   * files always carry them as metadata in the PUT.
   */
  multipartDigests: z.enum(['tags', 'metadata']).optional(),
  /** Waits poll with capped exponential backoff: the first interval (default 2 s)… */
  pollIntervalMs: positive,
  /** …its cap (default 30 s)… */
  maxPollIntervalMs: positive,
  /** …and the longest wait for an endpoint, training job or pipeline (default 2 hours). */
  waitTimeoutMs: positive,
  /** The default update policy of existing endpoints, and per stage (`stages.production`, merged over it). */
  deployment: deploymentPolicySchema
    .extend({ stages: z.record(z.string(), deploymentPolicySchema).optional() })
    .optional(),
});

export interface SageMakerCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The schema's settings plus what only code can pass (credentials, injected clients, the environment). */
export type SageMakerProviderSettings = z.input<typeof settingsSchema> & {
  /** Static credentials; else the SDK's default chain (env, OIDC web identity, profiles, instance role). */
  credentials?: SageMakerCredentials;
  s3Client?: S3Client;
  sageMakerClient?: SageMakerClient;
  ssmClient?: SSMClient;
  /** Environment to read fallbacks from (default `process.env`). */
  env?: Record<string, string | undefined>;
};
type Injected = Pick<
  SageMakerProviderSettings,
  'credentials' | 's3Client' | 'sageMakerClient' | 'ssmClient' | 'env'
>;

export type CheckedSettings = z.output<typeof settingsSchema> & Injected;

/** Settings given in code are checked like those from flags or a config file; injectables pass through. */
export function checkSettings(given: SageMakerProviderSettings): CheckedSettings {
  const { credentials, s3Client, sageMakerClient, ssmClient, env, ...rest } = given;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  const injected = Object.entries({ credentials, s3Client, sageMakerClient, ssmClient, env }).filter(
    ([, value]) => value !== undefined,
  );
  return {
    ...parseSettings(settingsSchema, { values: defined, from: {} }, 'sagemaker'),
    ...Object.fromEntries(injected),
  };
}

export interface ResolvedSettings {
  bucket(): string;
  prefix: string;
  roleArn(context: ProviderContext): Promise<string>;
  inferenceImage(): string;
  /** The model package group of a call: its `modelPackageGroup` ref, else the setting, else the model name. */
  group(input: { model: { name: string }; refs?: Record<string, string> }): string;
  instanceType: string;
  instanceCount: number;
  partSize: number;
  uploadConcurrency: number;
  multipartDigests: 'tags' | 'metadata';
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  waitTimeoutMs: number;
  deployment(stage: string): DeploymentSettings;
  s3(context: ProviderContext): Promise<S3Client>;
  sageMaker(context: ProviderContext): Promise<SageMakerClient>;
  sageMakerApi(context: ProviderContext): Promise<SageMakerApi>;
  /** Safe to show: no credentials. */
  describe(): Record<string, unknown>;
}

function requireSetting(value: string | undefined, option: string, envName: string): string {
  if (value) return value;
  throw new InvalidInputError(
    `sagemaker: no ${option} configured; pass { ${option} } to createSageMakerProvider or set ${envName}`,
  );
}

/** Defaults and environment fallbacks over checked settings; clients are built on first use. */
export function resolveSettings(settings: CheckedSettings): ResolvedSettings {
  const env = settings.env ?? process.env;
  const pick = (option: string | undefined, name: string) => option ?? (env[name] || undefined);
  const endpoint = () => pick(settings.endpoint, 'MODELSHIP_AWS_ENDPOINT');
  const region = () => settings.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined);
  const connection: AwsConnection = {
    region: () => requireSetting(region(), 'region', 'AWS_REGION'),
    endpoint,
    forcePathStyle: () => settings.forcePathStyle ?? endpoint() !== undefined,
    credentials: settings.credentials,
    maxAttempts: settings.maxAttempts,
    clients: settings,
  };
  const clients = awsClients(connection);
  const prefix = (settings.prefix ?? 'modelship').replace(/^\/+|\/+$/g, '');
  const shown = {
    region: region(),
    endpoint: endpoint(),
    bucket: pick(settings.bucket, 'MODELSHIP_SAGEMAKER_BUCKET'),
    prefix,
    roleArn: pick(settings.roleArn, 'MODELSHIP_SAGEMAKER_ROLE_ARN'),
    roleParameter: pick(settings.roleParameter, 'MODELSHIP_SAGEMAKER_ROLE_PARAMETER'),
    modelPackageGroup: settings.modelPackageGroup,
    instanceType: settings.instanceType ?? 'ml.m5.large',
    instanceCount: settings.instanceCount ?? 1,
    partSize: settings.partSize ?? 8 * MIB,
    uploadConcurrency: settings.uploadConcurrency ?? 4,
    multipartDigests: settings.multipartDigests ?? 'tags',
    pollIntervalMs: settings.pollIntervalMs ?? 2_000,
    maxPollIntervalMs: settings.maxPollIntervalMs ?? 30_000,
    waitTimeoutMs: settings.waitTimeoutMs ?? 2 * 60 * 60_000,
  };
  return {
    ...shown,
    bucket: () => requireSetting(shown.bucket, 'bucket', 'MODELSHIP_SAGEMAKER_BUCKET'),
    roleArn(context) {
      if (shown.roleArn) return Promise.resolve(shown.roleArn);
      if (!shown.roleParameter)
        throw new InvalidInputError(
          'sagemaker: no execution role configured; pass { roleArn } or { roleParameter } (an SSM parameter name such as /sagemaker/execution/role) to createSageMakerProvider, or set MODELSHIP_SAGEMAKER_ROLE_ARN or MODELSHIP_SAGEMAKER_ROLE_PARAMETER',
        );
      return clients.roleFromParameter(shown.roleParameter, context);
    },
    inferenceImage: () =>
      requireSetting(
        pick(settings.inferenceImage, 'MODELSHIP_SAGEMAKER_IMAGE'),
        'inferenceImage',
        'MODELSHIP_SAGEMAKER_IMAGE',
      ),
    group: (input) => input.refs?.modelPackageGroup ?? settings.modelPackageGroup ?? input.model.name,
    deployment: (stage) => {
      const { stages, ...common } = settings.deployment ?? {};
      return { ...common, ...stages?.[stage] };
    },
    s3: clients.s3,
    sageMaker: clients.sageMaker,
    sageMakerApi: clients.sageMakerApi,
    describe: () => ({ ...shown, deployment: settings.deployment }),
  };
}
