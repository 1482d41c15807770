// train: a SageMaker training job, or an execution of a (possibly upserted) SageMaker Pipeline
// (./pipeline.ts); both waited on with capped backoff. Metrics: the job's FinalMetricDataList
// (what its MetricDefinitions captured), overlaid by an evaluation.json when one is named.
import type { S3Client } from '@aws-sdk/client-s3';
import type { DescribeTrainingJobCommandOutput } from '@aws-sdk/client-sagemaker';
import {
  ErrorCode,
  InvalidInputError,
  type ProviderContext,
  ProviderError,
  type TrainInput,
  type TrainResult,
} from '@modelship/core';
import { formatS3Uri, joinS3Key, parseS3Uri } from '@modelship/core/provider-kit';
import { type SageMakerApi, waitUntilSettled } from './client.js';
import { aws, ifExists } from './errors.js';
import { nameTimestamp, resourceName, shortHash } from './names.js';
import type { ResolvedSettings } from './settings.js';
import { mapTrainingJobStatus } from './status.js';

export type SageMaker = typeof import('@aws-sdk/client-sagemaker');

/** `train=s3://b/k,validation=s3://b/v` (CLI) or an object → channel → S3 URI. */
export function parseChannels(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value === 'object' && value !== null) return value as Record<string, string>;
  const out: Record<string, string> = {};
  for (const pair of String(value).split(',').filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0)
      throw new InvalidInputError(`train: input channel "${pair}" must be <channel>=s3://<bucket>/<key>`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

export function text(options: Record<string, unknown>, name: string): string | undefined {
  const value = options[name];
  return value === undefined || value === '' ? undefined : String(value);
}

export function stringParams(params: TrainInput['params']): Record<string, string> {
  return Object.fromEntries(Object.entries(params ?? {}).map(([k, v]) => [k, String(v)]));
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

export async function train(
  settings: ResolvedSettings,
  input: TrainInput,
  context: ProviderContext,
): Promise<TrainResult> {
  const options = input.options ?? {};
  const api = await settings.sageMakerApi(context);
  const run = text(options, 'pipeline')
    ? await (await import('./pipeline.js')).runPipeline(settings, api, input, context)
    : await runTrainingJob(settings, api, input, context);
  const evaluationUri = text(options, 'evaluationUri');
  const evaluation = evaluationUri
    ? await readEvaluation(await settings.s3(context), fill(evaluationUri, run.placeholders), context)
    : {};
  const metrics = { ...run.metrics, ...evaluation };
  return {
    runId: run.runId,
    status: run.status,
    metrics,
    artifact: run.artifact,
    refs: run.refs,
    warnings: [],
  };
}

export interface Run {
  runId: string;
  status: TrainResult['status'];
  artifact?: string;
  /** What the platform itself reports (a training job's FinalMetricDataList). */
  metrics?: Record<string, number>;
  refs: Record<string, string>;
  placeholders: Record<string, string>;
}

export function failed(kind: string, id: string, raw: string, reason: string | undefined): ProviderError {
  return new ProviderError(
    `sagemaker ${kind} ${id} ended ${raw}: ${reason || 'no FailureReason given'}; fix the cause and train again`,
    {
      provider: 'sagemaker',
      operation: 'train',
      rawCode: raw,
      code: ErrorCode.Provider,
      details: { id, failureReason: reason },
    },
  );
}

async function runTrainingJob(
  settings: ResolvedSettings,
  { client, SM }: SageMakerApi,
  input: TrainInput,
  context: ProviderContext,
): Promise<Run> {
  const options = input.options ?? {};
  const jobName =
    text(options, 'jobName') ??
    resourceName(
      input.model.name,
      input.idempotencyKey ? shortHash(input.idempotencyKey) : nameTimestamp(context.now()),
    );
  const describe = () =>
    aws('DescribeTrainingJob', `training job ${jobName}`, () =>
      client.send(new SM.DescribeTrainingJobCommand({ TrainingJobName: jobName }), {
        abortSignal: context.signal,
      }),
    );
  const existing = input.idempotencyKey ? await ifExists(describe()) : undefined;
  if (!existing) {
    const image = text(options, 'image');
    if (!image)
      throw new InvalidInputError(
        'train: no training image; pass options.image (CLI: --option image=<ecr-uri>), or options.pipeline to run a SageMaker Pipeline',
      );
    const bucket = settings.bucket();
    const outputPath =
      text(options, 'outputPath') ??
      formatS3Uri(bucket, joinS3Key(settings.prefix, input.model.name, 'training'));
    const channels = parseChannels(options.inputs);
    const RoleArn = await settings.roleArn(context);
    await aws('CreateTrainingJob', `training job ${jobName}`, () =>
      client.send(
        new SM.CreateTrainingJobCommand({
          TrainingJobName: jobName,
          RoleArn,
          AlgorithmSpecification: { TrainingImage: image, TrainingInputMode: 'File' },
          HyperParameters: stringParams(input.params),
          InputDataConfig: Object.entries(channels).map(([ChannelName, S3Uri]) => ({
            ChannelName,
            DataSource: {
              S3DataSource: { S3DataType: 'S3Prefix', S3Uri, S3DataDistributionType: 'FullyReplicated' },
            },
          })),
          OutputDataConfig: { S3OutputPath: outputPath },
          ResourceConfig: {
            InstanceType: (text(options, 'instanceType') ?? 'ml.m5.large') as never,
            InstanceCount: Number(options.instanceCount ?? 1),
            VolumeSizeInGB: Number(options.volumeSizeInGB ?? 30),
          },
          StoppingCondition: { MaxRuntimeInSeconds: Number(options.maxRuntimeSeconds ?? 86_400) },
          Tags: (input.tags ?? []).map((tag) => ({ Key: `modelship:tag:${tag}`, Value: 'true' })),
        }),
        { abortSignal: context.signal },
      ),
    );
    context.logger.info(`train: started training job ${jobName}`);
  }
  const job: DescribeTrainingJobCommandOutput = await waitUntilSettled(settings, context, {
    what: `training job ${jobName}`,
    describe,
    state: (j) => `${j.TrainingJobStatus}/${j.SecondaryStatus}`,
    settled: (j) => mapTrainingJobStatus(j.TrainingJobStatus).unified !== 'running',
  });
  const status = mapTrainingJobStatus(job.TrainingJobStatus);
  if (status.unified !== 'succeeded') throw failed('training job', jobName, status.raw, job.FailureReason);
  const artifact = job.ModelArtifacts?.S3ModelArtifacts;
  return {
    runId: jobName,
    status,
    artifact,
    metrics: finalMetrics(job),
    refs: {
      trainingJobName: jobName,
      trainingJobArn: job.TrainingJobArn ?? '',
      ...(artifact ? { modelArtifact: artifact } : {}),
    },
    placeholders: { jobName, runId: jobName, outputPath: job.OutputDataConfig?.S3OutputPath ?? '' },
  };
}

/** A training job's FinalMetricDataList (the last value of each metric its MetricDefinitions capture). */
export function finalMetrics(job: Pick<DescribeTrainingJobCommandOutput, 'FinalMetricDataList'>) {
  const metrics: Record<string, number> = {};
  for (const { MetricName, Value } of job.FinalMetricDataList ?? [])
    if (MetricName && typeof Value === 'number' && Number.isFinite(Value)) metrics[MetricName] = Value;
  return metrics;
}

// An evaluation.json in S3, as the SageMaker template's evaluation step writes it:
// `{ "regression_metrics": { "mse": { "value": 4.2, "standard_deviation": 0.3 } } }`.
/**
 * Flattens a report into metric name → number. An object with a numeric `value` is one metric
 * named by its key (`mse`); other numbers keep their dotted path (`accuracy`, `scores.f1`).
 */
export function flattenMetrics(report: unknown, path: string[] = []): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof report === 'number') {
    if (Number.isFinite(report) && path.length) out[path.join('.')] = report;
    return out;
  }
  if (!report || typeof report !== 'object' || Array.isArray(report)) return out;
  for (const [key, value] of Object.entries(report)) {
    const metric = (value as { value?: unknown } | null)?.value;
    if (typeof metric === 'number') {
      if (Number.isFinite(metric)) out[key] = metric;
    } else {
      Object.assign(out, flattenMetrics(value, path.length === 0 && isGroup(key) ? [] : [...path, key]));
    }
  }
  return out;
}

// `regression_metrics`, `binary_classification_metrics`…: SageMaker's model-quality groups.
function isGroup(key: string): boolean {
  return key.endsWith('_metrics');
}

async function readEvaluation(
  s3: S3Client,
  uri: string,
  context: ProviderContext,
): Promise<Record<string, number>> {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const { bucket, key } = parseS3Uri(uri, 'evaluation report');
  const object = await aws('GetObject', uri, () =>
    s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: context.signal }),
  );
  const text = (await object.Body?.transformToString('utf8')) ?? '';
  const report = (() => {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new InvalidInputError(
        `evaluation report ${uri} is not JSON (${(error as Error).message}); the evaluation step must write a JSON object`,
        { cause: error },
      );
    }
  })();
  return flattenMetrics(report);
}
