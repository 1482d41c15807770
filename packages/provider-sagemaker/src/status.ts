// SageMaker states → modelship's unified vocabulary, keeping the raw value; and the status verb.
import {
  createStatusMapper,
  type ProviderContext,
  type StatusInput,
  type StatusResult,
} from '@modelship/core';
import type { SageMakerApi } from './client.js';
import { aws, ifExists } from './errors.js';
import { describePackage, findPackage, latestApprovedPackage, packageTags } from './model-packages.js';
import { endpointNameFor } from './names.js';
import type { ResolvedSettings } from './settings.js';

export const mapTrainingJobStatus = createStatusMapper({
  InProgress: 'running',
  Completed: 'succeeded',
  Failed: 'failed',
  Stopping: 'running',
  Stopped: 'stopped',
});

export const mapPipelineExecutionStatus = createStatusMapper({
  Executing: 'running',
  Stopping: 'running',
  Stopped: 'stopped',
  Failed: 'failed',
  Succeeded: 'succeeded',
});

export const mapModelApprovalStatus = createStatusMapper({
  PendingManualApproval: 'pending-approval',
  Approved: 'approved',
  Rejected: 'rejected',
});

export const mapEndpointStatus = createStatusMapper({
  OutOfService: 'failed',
  Creating: 'deploying',
  Updating: 'deploying',
  SystemUpdating: 'deploying',
  RollingBack: 'deploying',
  InService: 'deployed',
  Deleting: 'deploying',
  Failed: 'failed',
  UpdateRollbackFailed: 'failed',
});

/**
 * `status`: with a stage, its `<group>-<stage>` endpoint (and, when a version is named, that
 * version's tags as `refs.tags`); else what the refs name (a package, a pipeline execution, a
 * training job); else the group's newest Approved package.
 */
export async function status(
  settings: ResolvedSettings,
  input: StatusInput,
  context: ProviderContext,
): Promise<StatusResult> {
  const refs = input.refs ?? {};
  const group = settings.group(input);
  const api = await settings.sageMakerApi(context);
  const { client, SM } = api;
  if (input.stage) {
    const name = endpointNameFor(group, input.stage);
    const [endpoint, tags] = await Promise.all([
      describeEndpoint(api, name, context),
      // The endpoint is what was asked; its version's tags are extra and never fail the status.
      versionTags(api, group, input, context).catch((error: unknown) => {
        if (context.signal.aborted) throw error;
        context.logger.warn(
          `status: tags of ${input.model.name}@${input.model.version} not read: ${String((error as Error).message)}`,
        );
        return undefined;
      }),
    ]);
    const tagRefs: Record<string, string> = tags ? { tags: tags.join(',') } : {};
    if (!endpoint)
      return { status: { unified: 'unknown', raw: 'NotFound' }, refs: { endpointName: name, ...tagRefs } };
    return {
      status: mapEndpointStatus(endpoint.EndpointStatus),
      endpoint: name,
      refs: {
        endpointName: name,
        endpointArn: endpoint.EndpointArn ?? '',
        endpointConfig: endpoint.EndpointConfigName ?? '',
        ...tagRefs,
      },
    };
  }
  if (refs.modelPackageArn) {
    const pkg = await describePackage(api, refs.modelPackageArn, context);
    return {
      status: mapModelApprovalStatus(pkg.ModelApprovalStatus),
      refs: { modelPackageArn: refs.modelPackageArn, tags: packageTags(pkg).join(',') },
    };
  }
  if (refs.pipelineExecutionArn) {
    const arn = refs.pipelineExecutionArn;
    const execution = await aws('DescribePipelineExecution', arn, () =>
      client.send(new SM.DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }), {
        abortSignal: context.signal,
      }),
    );
    return {
      status: mapPipelineExecutionStatus(execution.PipelineExecutionStatus),
      refs: { pipelineExecutionArn: arn },
    };
  }
  if (refs.trainingJobName) {
    const name = refs.trainingJobName;
    const job = await aws('DescribeTrainingJob', `training job ${name}`, () =>
      client.send(new SM.DescribeTrainingJobCommand({ TrainingJobName: name }), {
        abortSignal: context.signal,
      }),
    );
    return { status: mapTrainingJobStatus(job.TrainingJobStatus), refs: { trainingJobName: name } };
  }
  const latest = await latestApprovedPackage(api, group, context);
  return latest?.ModelPackageArn
    ? {
        status: mapModelApprovalStatus(latest.ModelApprovalStatus),
        refs: { modelPackageGroup: group, modelPackageArn: latest.ModelPackageArn },
      }
    : { status: { unified: 'unknown', raw: 'NoApprovedPackage' }, refs: { modelPackageGroup: group } };
}

/** The tags of the version the input names (undefined: no version, or no package for it). */
async function versionTags(
  api: SageMakerApi,
  group: string,
  input: StatusInput,
  context: ProviderContext,
): Promise<string[] | undefined> {
  const version = input.model.version;
  if (!version) return undefined;
  const arn =
    input.refs?.modelPackageArn ??
    (await findPackage(api, group, { name: input.model.name, version }, context))?.ModelPackageArn;
  if (!arn) return undefined;
  const pkg = await ifExists(describePackage(api, arn, context));
  return pkg && packageTags(pkg);
}

export function describeEndpoint({ client, SM }: SageMakerApi, name: string, context: ProviderContext) {
  return ifExists(
    aws('DescribeEndpoint', `endpoint ${name}`, () =>
      client.send(new SM.DescribeEndpointCommand({ EndpointName: name }), { abortSignal: context.signal }),
    ),
  );
}
