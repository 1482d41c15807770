// Clients and providers pointed at the shared moto server (scripts/vitest/moto-global-setup.ts).
import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { createProviderContext, type Logger, type ProviderContext } from '@modelship/core';
import {
  createSageMakerProvider,
  type SageMakerProvider,
  type SageMakerProviderSettings,
} from '../src/index.js';

export const credentials = { accessKeyId: 'testing', secretAccessKey: 'moto-dummy-secret-key' };
export const roleArn = 'arn:aws:iam::123456789012:role/modelship-sagemaker';

/** moto behind the endpoint-lifecycle server (test/setup/sagemaker-endpoints.ts). */
export function motoUrl(): string {
  const url = process.env.MODELSHIP_SAGEMAKER_URL ?? process.env.MODELSHIP_MOTO_URL;
  if (!url) throw new Error('MODELSHIP_MOTO_URL is not set: run through vitest with the moto global setup');
  return url;
}

export function motoClients() {
  const common = { region: 'us-east-1', endpoint: motoUrl(), credentials, maxAttempts: 1 };
  return { s3: new S3Client({ ...common, forcePathStyle: true }), sageMaker: new SageMakerClient(common) };
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function motoBucket(s3: S3Client): Promise<string> {
  const bucket = uniqueName('modelship-test');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** A provider on moto with fast polling; each call gets its own bucket and package group unless given. */
export async function motoProvider(overrides: SageMakerProviderSettings = {}) {
  const clients = motoClients();
  const bucket = overrides.bucket ?? (await motoBucket(clients.s3));
  const settings: SageMakerProviderSettings = {
    region: 'us-east-1',
    endpoint: motoUrl(),
    credentials,
    maxAttempts: 1,
    bucket,
    roleArn,
    inferenceImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/churn-inference:1',
    pollIntervalMs: 10,
    maxPollIntervalMs: 50,
    waitTimeoutMs: 10_000,
    env: {},
    s3Client: clients.s3,
    sageMakerClient: clients.sageMaker,
    ...overrides,
  };
  return { provider: createSageMakerProvider(settings), settings, bucket, ...clients };
}

export function capturingContext(options: { signal?: AbortSignal; secrets?: string[] } = {}) {
  const lines: string[] = [];
  const events: Array<{ task: string; done: number; total?: number }> = [];
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push(`${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  const logger: Logger = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
  const context: ProviderContext = createProviderContext({
    logger,
    progress: (event) => events.push(event),
    secrets: options.secrets,
    signal: options.signal,
  });
  return { context, lines, events };
}

const registeredRefs = {
  modelDataUrl: 's3://bucket/modelship/churn/1/model.tar.gz',
  manifestDigest: 'sha256:3f2a',
};

/** Registers `version` of churn and approves it; resolves the refs a deploy needs. */
export async function approvedVersion(provider: SageMakerProvider, version: string) {
  const { context } = capturingContext();
  const model = { name: 'churn', version };
  const registered = await provider.tag(
    { model, stage: 'staging', tag: 'registered', refs: registeredRefs },
    context,
  );
  return (
    await provider.tag(
      { model, stage: 'staging', tag: 'approved', refs: registered.refs, approval: { by: 'alice' } },
      context,
    )
  ).refs;
}

/** A CloudWatch alarm in moto, put into `state` (query protocol: no CloudWatch client in the deps). */
export async function setAlarm(name: string, state: 'OK' | 'ALARM'): Promise<void> {
  const send = async (params: Record<string, string>) => {
    // Through the endpoint-lifecycle server: it asks its own moto for alarms, and with several
    // test projects in one run MODELSHIP_MOTO_URL may name another moto instance.
    const response = await fetch(process.env.MODELSHIP_SAGEMAKER_URL!, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization:
          'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: new URLSearchParams({ Version: '2010-08-01', ...params }).toString(),
    });
    if (response.status !== 200)
      throw new Error(`${params.Action}: HTTP ${response.status} ${await response.text()}`);
  };
  await send({
    Action: 'PutMetricAlarm',
    AlarmName: name,
    MetricName: 'Invocation5XXErrors',
    Namespace: 'AWS/SageMaker',
    Statistic: 'Sum',
    Period: '60',
    EvaluationPeriods: '1',
    Threshold: '1',
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  });
  await send({ Action: 'SetAlarmState', AlarmName: name, StateValue: state, StateReason: 'test' });
}
