import type { ProviderV1, StatusInput, StatusResult } from '@modelship/core';
import { deleteEndpoint, deploy, endpointStatus } from './deploy.js';
import { aws } from './errors.js';
import { externalApproval, tagVersion } from './registry.js';
import { resolveSettings, type SageMakerProviderSettings } from './settings.js';
import { mapModelApprovalStatus, mapPipelineExecutionStatus, mapTrainingJobStatus } from './status.js';
import { train } from './train.js';
import { uploadModel } from './upload.js';

export type SageMakerProvider = ProviderV1 & {
  readonly name: 'sagemaker';
  status(input: StatusInput, context: Parameters<ProviderV1['train']>[1]): Promise<StatusResult>;
};

/** The SageMaker provider. Side-effect free: clients, credentials and settings resolve at call time. */
export function createSageMakerProvider(settings: SageMakerProviderSettings = {}): SageMakerProvider {
  const resolved = resolveSettings(settings);
  return {
    specificationVersion: 'v1',
    name: 'sagemaker',
    capabilities: {
      upload: true,
      train: true,
      tag: true,
      deploy: true,
      status: true,
      undeploy: true,
      describe: true,
      rollback: true,
      abort: true,
    },
    // Approvals and rejections recorded in modelship are mirrored to the model registry.
    promotionTags: ['approved', 'rejected'],
    tagsBeforeDeploy: ['approved'],
    upload: (input, context) => uploadModel(resolved, input, context),
    train: (input, context) => train(resolved, input, context),
    tag: (input, context) => tagVersion(resolved, input, context),
    externalApproval: (input, context) => externalApproval(resolved, input, context),
    deploy: (input, context) => deploy(resolved, input, context),
    async status(input, context) {
      const refs = input.refs ?? {};
      const group = refs.modelPackageGroup ?? resolved.modelPackageGroup(input.model.name);
      if (input.stage) return endpointStatus(resolved, group, input.stage, context);
      const [client, SM] = await Promise.all([
        resolved.sageMaker(context),
        import('@aws-sdk/client-sagemaker'),
      ]);
      if (refs.modelPackageArn) {
        const arn = refs.modelPackageArn;
        const pkg = await aws('DescribeModelPackage', `model package ${arn}`, () =>
          client.send(new SM.DescribeModelPackageCommand({ ModelPackageName: arn }), {
            abortSignal: context.signal,
          }),
        );
        return { status: mapModelApprovalStatus(pkg.ModelApprovalStatus), refs: { modelPackageArn: arn } };
      }
      if (refs.pipelineExecutionArn) {
        const arn = refs.pipelineExecutionArn;
        const execution = await aws('DescribePipelineExecution', arn, () =>
          client.send(new SM.DescribePipelineExecutionCommand({ PipelineExecutionArn: arn })),
        );
        return {
          status: mapPipelineExecutionStatus(execution.PipelineExecutionStatus),
          refs: { pipelineExecutionArn: arn },
        };
      }
      if (refs.trainingJobName) {
        const name = refs.trainingJobName;
        const job = await aws('DescribeTrainingJob', `training job ${name}`, () =>
          client.send(new SM.DescribeTrainingJobCommand({ TrainingJobName: name })),
        );
        return { status: mapTrainingJobStatus(job.TrainingJobStatus), refs: { trainingJobName: name } };
      }
      const { latestApprovedPackage } = await import('./registry.js');
      const latest = await latestApprovedPackage(client, group, context);
      return latest?.ModelPackageArn
        ? {
            status: mapModelApprovalStatus(latest.ModelApprovalStatus),
            refs: { modelPackageGroup: group, modelPackageArn: latest.ModelPackageArn },
          }
        : { status: { unified: 'unknown', raw: 'NoApprovedPackage' }, refs: { modelPackageGroup: group } };
    },
    undeploy: (input, context) =>
      deleteEndpoint(
        resolved,
        input.refs?.modelPackageGroup ?? resolved.modelPackageGroup(input.model.name),
        input.stage,
        context,
      ),
    describe: async () => ({
      name: 'sagemaker',
      settings: resolved.describe(),
      capabilities: {
        upload: true,
        train: true,
        tag: true,
        deploy: true,
        status: true,
        undeploy: true,
        describe: true,
        rollback: true,
        abort: true,
      },
    }),
  };
}
