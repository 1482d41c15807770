// The AWS side of the provider: S3, SageMaker and SSM clients built on first use (the SDKs are
// imported only then, so `--help` and the factory stay light), the execution role read from SSM,
// and waiting for a SageMaker resource to settle.
import type { S3Client } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { InvalidInputError, type ProviderContext } from '@modelship/core';
import { pollUntil } from '@modelship/core/provider-kit';
import { aws } from './errors.js';

export interface AwsConnection {
  /** Throws a clear error when no region is configured (only when a client is first needed). */
  region(): string;
  endpoint(): string | undefined;
  forcePathStyle(): boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  maxAttempts?: number;
  /** Clients given in code win over built ones. */
  clients: { s3Client?: S3Client; sageMakerClient?: SageMakerClient; ssmClient?: SSMClient };
}

/** The SageMaker client with the SDK module its commands come from (imported on first use). */
export interface SageMakerApi {
  client: SageMakerClient;
  SM: typeof import('@aws-sdk/client-sagemaker');
}

export interface AwsClients {
  s3(context: ProviderContext): Promise<S3Client>;
  sageMaker(context: ProviderContext): Promise<SageMakerClient>;
  sageMakerApi(context: ProviderContext): Promise<SageMakerApi>;
  /** The role ARN an SSM parameter holds; read once (a failed read is tried again next time). */
  roleFromParameter(name: string, context: ProviderContext): Promise<string>;
}

export function awsClients(connection: AwsConnection): AwsClients {
  const config = (context: ProviderContext) => {
    const { credentials, maxAttempts } = connection;
    if (credentials) {
      context.redact.add(credentials.secretAccessKey);
      context.redact.add(credentials.sessionToken);
    }
    const endpoint = connection.endpoint();
    return {
      region: connection.region(),
      ...(credentials ? { credentials } : {}),
      ...(endpoint ? { endpoint } : {}),
      ...(maxAttempts ? { maxAttempts } : {}),
    };
  };
  const { s3Client, sageMakerClient, ssmClient } = connection.clients;
  let s3: Promise<S3Client> | undefined;
  let sageMaker: Promise<SageMakerClient> | undefined;
  let role: Promise<string> | undefined;
  const clients: AwsClients = {
    async s3(context) {
      if (s3Client) return s3Client;
      const common = config(context); // throws a clear error before anything is cached
      s3 ??= import('@aws-sdk/client-s3').then(
        ({ S3Client }) => new S3Client({ ...common, forcePathStyle: connection.forcePathStyle() }),
      );
      return s3;
    },
    async sageMaker(context) {
      if (sageMakerClient) return sageMakerClient;
      const common = config(context);
      sageMaker ??= import('@aws-sdk/client-sagemaker').then(
        ({ SageMakerClient }) => new SageMakerClient(common),
      );
      return sageMaker;
    },
    async sageMakerApi(context) {
      const [client, SM] = await Promise.all([
        clients.sageMaker(context),
        import('@aws-sdk/client-sagemaker'),
      ]);
      return { client, SM };
    },
    roleFromParameter(name, context) {
      role ??= (async () => {
        const SSM = await import('@aws-sdk/client-ssm');
        const ssm = ssmClient ?? new SSM.SSMClient(config(context));
        return readRoleParameter(ssm, SSM, name, context);
      })().catch((error: unknown) => {
        role = undefined;
        throw error;
      });
      return role;
    },
  };
  return clients;
}

async function readRoleParameter(
  ssm: SSMClient,
  SSM: typeof import('@aws-sdk/client-ssm'),
  name: string,
  context: ProviderContext,
): Promise<string> {
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

export interface SettleOptions<T> {
  /** `training job churn-42`, as logs, progress and the timeout error name it. */
  what: string;
  /** One Describe call. */
  describe: () => Promise<T>;
  /** The raw state, e.g. `InProgress/Training`; a change is logged. */
  state: (value: T) => string;
  settled: (value: T) => boolean;
}

export interface WaitSettings {
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  waitTimeoutMs: number;
}

/** Describes until `settled`, with the settings' backoff and limit; progress counts seconds waited. */
export function waitUntilSettled<T>(
  settings: WaitSettings,
  context: ProviderContext,
  options: SettleOptions<T>,
): Promise<T> {
  const task = `wait ${options.what}`;
  const total = Math.round(settings.waitTimeoutMs / 1000);
  const started = Date.now();
  let last: string | undefined;
  return pollUntil({
    what: options.what,
    interval: settings.pollIntervalMs,
    maxInterval: settings.maxPollIntervalMs,
    timeout: settings.waitTimeoutMs,
    signal: context.signal,
    hint: 'raise waitTimeoutMs (CLI --wait-timeout-ms) or check it in the SageMaker console',
    async check() {
      const value = await options.describe();
      const state = options.state(value);
      if (state !== last) context.logger.info(`${options.what} is ${state}`);
      last = state;
      const finished = options.settled(value);
      const done = Math.round((Date.now() - started) / 1000);
      context.progress({ task, done, total, unit: 'seconds', finished });
      return finished ? { done: true, value } : { done: false, describe: state };
    },
  });
}
