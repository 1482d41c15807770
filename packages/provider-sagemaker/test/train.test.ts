import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreatePipelineCommand,
  CreateTrainingJobCommand,
  DescribePipelineCommand,
  DescribePipelineExecutionCommand,
  DescribeTrainingJobCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { ErrorCode, ModelshipError } from '@modelship/core';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createSageMakerProvider } from '../src/index.js';
import { flattenMetrics } from '../src/train.js';
import { capturingContext, motoProvider, roleArn, uniqueName } from './moto.js';

const evaluation = { regression_metrics: { mse: { value: 4.2, standard_deviation: 0.3 } } };
const definition = (steps: string[]) =>
  JSON.stringify({
    Version: '2020-12-01',
    Parameters: [{ Name: 'InputData', Type: 'String' }],
    Steps: steps.map((Name) => ({ Name, Type: 'Training', Arguments: {} })),
  });

describe('train against moto', () => {
  it('runs a training job and reads metrics from the evaluation.json the test wrote', async () => {
    const { provider, s3, sageMaker, bucket } = await motoProvider();
    const jobName = uniqueName('churn-train');
    // moto completes training jobs at once and writes nothing to S3: the test plays the evaluation step.
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `reports/${jobName}/evaluation.json`,
        Body: JSON.stringify(evaluation),
      }),
    );
    const result = await provider.train(
      {
        model: { name: 'churn' },
        params: { epochs: 3, learning_rate: 0.1 },
        options: {
          image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1',
          jobName,
          inputs: `train=s3://${bucket}/data/train,validation=s3://${bucket}/data/validation`,
          evaluationUri: `s3://${bucket}/reports/{jobName}/evaluation.json`,
        },
      },
      capturingContext().context,
    );
    expect(result).toMatchObject({ runId: jobName, status: { unified: 'succeeded', raw: 'Completed' } });
    // moto's FinalMetricDataList (train:progress for every job) under the evaluation report's.
    expect(result.metrics).toEqual({ 'train:progress': 100, mse: 4.2 });
    expect(result.artifact).toMatch(
      new RegExp(`^s3://${bucket}/modelship/churn/training/${jobName}/output/model.tar.gz$`),
    );
    const job = await sageMaker.send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }));
    expect(job.HyperParameters).toEqual({ epochs: '3', learning_rate: '0.1' });
    expect(job.RoleArn).toBe(roleArn);
  });

  it('creates a pipeline, updates it when it exists, and runs it with parameters', async () => {
    const { provider, sageMaker, s3, bucket } = await motoProvider();
    const pipeline = uniqueName('churn-pipeline');
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'eval/evaluation.json', Body: JSON.stringify(evaluation) }),
    );
    const train = (steps: string[]) =>
      provider.train(
        {
          model: { name: 'churn' },
          params: { InputData: `s3://${bucket}/data` },
          options: {
            pipeline,
            pipelineDefinition: definition(steps),
            evaluationUri: `s3://${bucket}/eval/evaluation.json`,
          },
        },
        capturingContext().context,
      );
    const first = await train(['Train']);
    expect(first).toMatchObject({
      status: { unified: 'succeeded', raw: 'Succeeded' },
      metrics: { mse: 4.2 },
    });
    expect(first.refs.pipelineExecutionArn).toMatch(new RegExp(`pipeline/${pipeline}/execution/`));
    await train(['Train', 'Evaluate']);
    const stored = await sageMaker.send(new DescribePipelineCommand({ PipelineName: pipeline }));
    expect(JSON.parse(stored.PipelineDefinition!).Steps).toHaveLength(2);
  });

  it('says which evaluation report is missing', async () => {
    const { provider, bucket } = await motoProvider();
    const error = await provider
      .train(
        {
          model: { name: 'churn' },
          options: { image: 'img', evaluationUri: `s3://${bucket}/nope/evaluation.json` },
        },
        capturingContext().context,
      )
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.NotFound)).toBe(true);
    expect(String((error as Error).message)).toContain(`s3://${bucket}/nope/evaluation.json`);
  });
});

// moto finishes every job at once, so waiting, failures and FailureReason are driven by a mock.
describe('train waits and failures (aws-sdk-client-mock)', () => {
  const settings = {
    region: 'us-east-1',
    bucket: 'b',
    roleArn,
    pollIntervalMs: 1,
    maxPollIntervalMs: 4,
    env: {},
  };

  it('polls with capped backoff until a terminal state', async () => {
    const mock = mockClient(SageMakerClient);
    mock.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: 'arn:job' });
    mock
      .on(DescribeTrainingJobCommand)
      .resolvesOnce({ TrainingJobStatus: 'InProgress', SecondaryStatus: 'Starting' })
      .resolvesOnce({ TrainingJobStatus: 'InProgress', SecondaryStatus: 'Training' })
      .resolves({
        TrainingJobStatus: 'Completed',
        ModelArtifacts: { S3ModelArtifacts: 's3://b/model.tar.gz' },
      });
    const provider = createSageMakerProvider({
      ...settings,
      sageMakerClient: mock as unknown as SageMakerClient,
    });
    const { context, events } = capturingContext();
    const result = await provider.train({ model: { name: 'm' }, options: { image: 'img' } }, context);
    expect(result.artifact).toBe('s3://b/model.tar.gz');
    expect(mock.commandCalls(DescribeTrainingJobCommand)).toHaveLength(3);
    expect(events.filter((e) => e.task.startsWith('wait training job'))).toHaveLength(3);
    mock.restore();
  });

  it('surfaces FailureReason of a failed training job and of a failed pipeline execution', async () => {
    const mock = mockClient(SageMakerClient);
    mock
      .onAnyCommand()
      .resolves({ PipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:1:pipeline/p/execution/x' });
    mock.on(CreateTrainingJobCommand).resolves({});
    mock
      .on(DescribeTrainingJobCommand)
      .resolves({ TrainingJobStatus: 'Failed', FailureReason: 'AlgorithmError: loss is NaN' });
    mock.on(CreatePipelineCommand).resolves({});
    mock
      .on(DescribePipelineExecutionCommand)
      .resolves({ PipelineExecutionStatus: 'Failed', FailureReason: 'Step Evaluate failed' });
    const provider = createSageMakerProvider({
      ...settings,
      sageMakerClient: mock as unknown as SageMakerClient,
    });
    const job = await provider
      .train({ model: { name: 'm' }, options: { image: 'img' } }, capturingContext().context)
      .catch((e: unknown) => e);
    expect(String((job as Error).message)).toMatch(/ended Failed: AlgorithmError: loss is NaN/);
    const run = await provider
      .train({ model: { name: 'm' }, options: { pipeline: 'p' } }, capturingContext().context)
      .catch((e: unknown) => e);
    expect(String((run as Error).message)).toMatch(
      /pipeline execution .* ended Failed: Step Evaluate failed/,
    );
    mock.restore();
  });

  it('stops waiting when the signal aborts', async () => {
    const mock = mockClient(SageMakerClient);
    mock.on(CreateTrainingJobCommand).resolves({});
    mock.on(DescribeTrainingJobCommand).resolves({ TrainingJobStatus: 'InProgress' });
    const provider = createSageMakerProvider({
      ...settings,
      pollIntervalMs: 20,
      maxPollIntervalMs: 20,
      sageMakerClient: mock as unknown as SageMakerClient,
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled')), 50);
    const error = await provider
      .train(
        { model: { name: 'm' }, options: { image: 'img' } },
        capturingContext({ signal: controller.signal }).context,
      )
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.Aborted)).toBe(true);
    mock.restore();
  });
});

describe('flattenMetrics', () => {
  it('names { value } objects by their key and keeps dotted paths for plain numbers', () => {
    expect(
      flattenMetrics({
        regression_metrics: { mse: { value: 4.2 }, r2: { value: 0.8 } },
        extra: { f1: 0.5 },
        note: 'x',
      }),
    ).toEqual({
      mse: 4.2,
      r2: 0.8,
      'extra.f1': 0.5,
    });
  });
});
