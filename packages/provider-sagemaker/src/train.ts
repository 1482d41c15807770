// train: a SageMaker training job, or an execution of a (possibly upserted) SageMaker Pipeline;
// both waited on with capped backoff; metrics from an evaluation.json when one is named.
import type {
  DescribePipelineExecutionCommandOutput,
  DescribeTrainingJobCommandOutput,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import {
  ErrorCode,
  InvalidInputError,
  type ProviderContext,
  ProviderError,
  type TrainInput,
  type TrainResult,
} from '@modelship/core';
import { aws, isNotFound } from './errors.js';
import { readEvaluation } from './evaluation.js';
import { nameTimestamp, resourceName, shortHash } from './names.js';
import { formatS3Uri, joinKey } from './s3-uri.js';
import type { ResolvedSettings } from './settings.js';
import { mapPipelineExecutionStatus, mapTrainingJobStatus } from './status.js';
import { waitUntil } from './wait.js';

type SageMaker = typeof import('@aws-sdk/client-sagemaker');

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

function text(options: Record<string, unknown>, name: string): string | undefined {
  const value = options[name];
  return value === undefined || value === '' ? undefined : String(value);
}

function stringParams(params: TrainInput['params']): Record<string, string> {
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
  const [client, SM] = await Promise.all([settings.sageMaker(context), import('@aws-sdk/client-sagemaker')]);
  const run = text(options, 'pipeline')
    ? await runPipeline(settings, client, SM, input, context)
    : await runTrainingJob(settings, client, SM, input, context);
  const evaluationUri = text(options, 'evaluationUri');
  const metrics = evaluationUri
    ? await readEvaluation(await settings.s3(context), fill(evaluationUri, run.placeholders), context)
    : {};
  return {
    runId: run.runId,
    status: run.status,
    metrics,
    artifact: run.artifact,
    refs: run.refs,
    warnings: [],
  };
}

interface Run {
  runId: string;
  status: TrainResult['status'];
  artifact?: string;
  refs: Record<string, string>;
  placeholders: Record<string, string>;
}

function failed(kind: string, id: string, raw: string, reason: string | undefined): ProviderError {
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
  client: SageMakerClient,
  SM: SageMaker,
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
  const existing = input.idempotencyKey
    ? await describe().catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)))
    : undefined;
  if (!existing) {
    const image = text(options, 'image');
    if (!image)
      throw new InvalidInputError(
        'train: no training image; pass options.image (CLI: --option image=<ecr-uri>), or options.pipeline to run a SageMaker Pipeline',
      );
    const bucket = settings.bucket();
    const outputPath =
      text(options, 'outputPath') ??
      formatS3Uri(bucket, joinKey(settings.prefix, input.model.name, 'training'));
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
  const job: DescribeTrainingJobCommandOutput = await waitUntil(
    {
      what: `training job ${jobName}`,
      poll: describe,
      done: (j) => mapTrainingJobStatus(j.TrainingJobStatus).unified !== 'running',
      describe: (j) => `${j.TrainingJobStatus}/${j.SecondaryStatus}`,
      intervalMs: settings.pollIntervalMs,
      maxIntervalMs: settings.maxPollIntervalMs,
      timeoutMs: settings.waitTimeoutMs,
    },
    context,
  );
  const status = mapTrainingJobStatus(job.TrainingJobStatus);
  if (status.unified !== 'succeeded') throw failed('training job', jobName, status.raw, job.FailureReason);
  const artifact = job.ModelArtifacts?.S3ModelArtifacts;
  return {
    runId: jobName,
    status,
    artifact,
    refs: {
      trainingJobName: jobName,
      trainingJobArn: job.TrainingJobArn ?? '',
      ...(artifact ? { modelArtifact: artifact } : {}),
    },
    placeholders: { jobName, runId: jobName, outputPath: job.OutputDataConfig?.S3OutputPath ?? '' },
  };
}

async function upsertPipeline(
  settings: ResolvedSettings,
  client: SageMakerClient,
  SM: SageMaker,
  name: string,
  definition: unknown,
  context: ProviderContext,
): Promise<void> {
  const PipelineDefinition = typeof definition === 'string' ? definition : JSON.stringify(definition);
  const RoleArn = await settings.roleArn(context);
  try {
    await aws('CreatePipeline', `pipeline ${name}`, () =>
      client.send(new SM.CreatePipelineCommand({ PipelineName: name, PipelineDefinition, RoleArn }), {
        abortSignal: context.signal,
      }),
    );
    context.logger.info(`train: created pipeline ${name}`);
  } catch (error) {
    const message = String((error as Error).message);
    if (
      !/already exists|must be unique/i.test(message) &&
      !String((error as { rawCode?: string }).rawCode).includes('ResourceInUse')
    )
      throw error;
    await aws('UpdatePipeline', `pipeline ${name}`, () =>
      client.send(new SM.UpdatePipelineCommand({ PipelineName: name, PipelineDefinition, RoleArn }), {
        abortSignal: context.signal,
      }),
    );
    context.logger.info(`train: updated pipeline ${name}`);
  }
}

async function readDefinition(path: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(
      `train: cannot read pipelineDefinitionFile ${path} (${(error as NodeJS.ErrnoException).code}); pass the pipeline definition JSON file`,
      { cause: error },
    );
  }
}

async function runPipeline(
  settings: ResolvedSettings,
  client: SageMakerClient,
  SM: SageMaker,
  input: TrainInput,
  context: ProviderContext,
): Promise<Run> {
  const options = input.options ?? {};
  const name = text(options, 'pipeline')!;
  const definitionFile = text(options, 'pipelineDefinitionFile');
  const definition = definitionFile ? await readDefinition(definitionFile) : options.pipelineDefinition;
  if (definition !== undefined) await upsertPipeline(settings, client, SM, name, definition, context);
  const started = await aws('StartPipelineExecution', `pipeline ${name}`, () =>
    client.send(
      new SM.StartPipelineExecutionCommand({
        PipelineName: name,
        PipelineParameters: Object.entries(stringParams(input.params)).map(([Name, Value]) => ({
          Name,
          Value,
        })),
        ...(input.idempotencyKey ? { ClientRequestToken: shortHash(input.idempotencyKey, 40) } : {}),
      }),
      { abortSignal: context.signal },
    ),
  );
  const arn = started.PipelineExecutionArn!;
  context.logger.info(`train: started ${arn}`);
  const execution: DescribePipelineExecutionCommandOutput = await waitUntil(
    {
      what: `pipeline execution ${arn}`,
      poll: () =>
        aws('DescribePipelineExecution', arn, () =>
          client.send(new SM.DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }), {
            abortSignal: context.signal,
          }),
        ),
      done: (e) => mapPipelineExecutionStatus(e.PipelineExecutionStatus).unified !== 'running',
      describe: (e) => String(e.PipelineExecutionStatus),
      intervalMs: settings.pollIntervalMs,
      maxIntervalMs: settings.maxPollIntervalMs,
      timeoutMs: settings.waitTimeoutMs,
    },
    context,
  );
  const status = mapPipelineExecutionStatus(execution.PipelineExecutionStatus);
  if (status.unified !== 'succeeded')
    throw failed('pipeline execution', arn, status.raw, execution.FailureReason);
  const executionId = arn.split('/').pop() ?? arn;
  return {
    runId: arn,
    status,
    refs: { pipelineName: name, pipelineExecutionArn: arn },
    placeholders: { runId: executionId, executionId, pipeline: name },
  };
}
