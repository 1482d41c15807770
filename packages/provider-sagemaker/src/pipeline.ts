// train with `options.pipeline`: a SageMaker Pipeline, created or updated from a definition when
// one is given, then executed with the train params as pipeline parameters and waited on.
import type { DescribePipelineExecutionCommandOutput } from '@aws-sdk/client-sagemaker';
import { InvalidInputError, type ProviderContext, type TrainInput } from '@modelship/core';
import { type SageMakerApi, waitUntilSettled } from './client.js';
import { aws } from './errors.js';
import { shortHash } from './names.js';
import type { ResolvedSettings } from './settings.js';
import { mapPipelineExecutionStatus } from './status.js';
import { failed, type Run, stringParams, text } from './train.js';

async function upsertPipeline(
  settings: ResolvedSettings,
  { client, SM }: SageMakerApi,
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

export async function runPipeline(
  settings: ResolvedSettings,
  api: SageMakerApi,
  input: TrainInput,
  context: ProviderContext,
): Promise<Run> {
  const { client, SM } = api;
  const options = input.options ?? {};
  const name = text(options, 'pipeline')!;
  const definitionFile = text(options, 'pipelineDefinitionFile');
  const definition = definitionFile ? await readDefinition(definitionFile) : options.pipelineDefinition;
  if (definition !== undefined) await upsertPipeline(settings, api, name, definition, context);
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
  const execution: DescribePipelineExecutionCommandOutput = await waitUntilSettled(settings, context, {
    what: `pipeline execution ${arn}`,
    describe: () =>
      aws('DescribePipelineExecution', arn, () =>
        client.send(new SM.DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }), {
          abortSignal: context.signal,
        }),
      ),
    state: (e) => String(e.PipelineExecutionStatus),
    settled: (e) => mapPipelineExecutionStatus(e.PipelineExecutionStatus).unified !== 'running',
  });
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
