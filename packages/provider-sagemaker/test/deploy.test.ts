import {
  CreateEndpointCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { ErrorCode, ModelshipError } from '@modelship/core';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createSageMakerProvider } from '../src/index.js';
import { capturingContext, motoProvider, roleArn, uniqueName } from './moto.js';

const refs = { modelDataUrl: 's3://bucket/modelship/churn/1/model.tar.gz', manifestDigest: 'sha256:3f2a' };

async function approvedVersion(
  provider: Awaited<ReturnType<typeof motoProvider>>['provider'],
  version: string,
) {
  const { context } = capturingContext();
  const model = { name: 'churn', version };
  const registered = await provider.tag({ model, stage: 'staging', tag: 'registered', refs }, context);
  return (
    await provider.tag(
      { model, stage: 'staging', tag: 'approved', refs: registered.refs, approval: { by: 'alice' } },
      context,
    )
  ).refs;
}

describe('deploy against moto', () => {
  it('creates <group>-staging then <group>-production from the approved package and waits for InService', async () => {
    const group = uniqueName('churn');
    const { provider, sageMaker } = await motoProvider({ modelPackageGroup: group });
    const approved = await approvedVersion(provider, '1');
    const { context } = capturingContext();
    for (const stage of ['staging', 'production']) {
      const result = await provider.deploy(
        { model: { name: 'churn', version: '1' }, stage, refs: approved },
        context,
      );
      expect(result).toMatchObject({
        status: { unified: 'deployed', raw: 'InService' },
        endpoint: `${group}-${stage}`,
      });
      const model = await sageMaker.send(new DescribeModelCommand({ ModelName: `${group}-${stage}-v1` }));
      expect(model.PrimaryContainer?.ModelPackageName).toBe(approved.modelPackageArn);
      const status = await provider.status({ model: { name: 'churn' }, stage }, context);
      expect(status.status.unified).toBe('deployed');
    }
    // A retried deploy of the same version changes nothing.
    const again = await provider.deploy(
      { model: { name: 'churn', version: '1' }, stage: 'staging', refs: approved },
      context,
    );
    expect(again.refs.previousEndpointConfig).toBeUndefined();
  });

  it('finds the package of the version when no ARN is given, and refuses unregistered or unapproved ones', async () => {
    const group = uniqueName('churn');
    const { provider } = await motoProvider({ modelPackageGroup: group });
    const { context } = capturingContext();
    const error = await provider
      .deploy({ model: { name: 'churn', version: '1' }, stage: 'staging', refs: {} }, context)
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.NotFound)).toBe(true);
    const pending = await provider.tag(
      { model: { name: 'churn', version: '1' }, stage: 'staging', tag: 'registered', refs },
      context,
    );
    const refused = await provider
      .deploy({ model: { name: 'churn', version: '1' }, stage: 'staging', refs: pending.refs }, context)
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(refused, ErrorCode.ApprovalRequired)).toBe(true);
    const approved = await approvedVersion(provider, '2');
    const result = await provider.deploy(
      { model: { name: 'churn', version: '2' }, stage: 'staging', refs: {} },
      context,
    );
    expect(result.refs.modelPackageArn).toBe(approved.modelPackageArn);
  });
});

// moto answers UpdateEndpoint with HTTP 500 (not implemented), so the blue/green update and the
// rollback are driven by aws-sdk-client-mock with SageMaker's documented responses.
describe('blue/green update and rollback (aws-sdk-client-mock)', () => {
  const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/2';

  function mocked() {
    const mock = mockClient(SageMakerClient);
    mock.on(DescribeModelPackageCommand).resolves({ ModelApprovalStatus: 'Approved', ModelPackageArn: arn });
    mock.on(DescribeModelCommand).resolves({ ModelName: 'exists' });
    mock.on(DescribeEndpointConfigCommand).resolves({ EndpointConfigName: 'exists' });
    const provider = createSageMakerProvider({
      region: 'us-east-1',
      roleArn,
      modelPackageGroup: 'churn',
      pollIntervalMs: 1,
      maxPollIntervalMs: 2,
      env: {},
      sageMakerClient: mock as unknown as SageMakerClient,
    });
    return { mock, provider };
  }

  it('updates an existing endpoint to the new config, waits for InService and keeps the previous config', async () => {
    const { mock, provider } = mocked();
    mock
      .on(DescribeEndpointCommand)
      .resolvesOnce({ EndpointStatus: 'InService', EndpointConfigName: 'churn-staging-v1-config' })
      .resolvesOnce({ EndpointStatus: 'Updating', EndpointConfigName: 'churn-staging-v1-config' })
      .resolves({
        EndpointStatus: 'InService',
        EndpointConfigName: 'churn-staging-v2-config',
        EndpointArn: 'arn:endpoint',
      });
    const result = await provider.deploy(
      { model: { name: 'churn', version: '2' }, stage: 'staging', refs: { modelPackageArn: arn } },
      capturingContext().context,
    );
    expect(mock.commandCalls(CreateEndpointCommand)).toHaveLength(0);
    expect(mock.commandCalls(UpdateEndpointCommand)[0]?.args[0].input).toMatchObject({
      EndpointName: 'churn-staging',
      EndpointConfigName: 'churn-staging-v2-config',
    });
    expect(result.refs).toMatchObject({
      endpointConfig: 'churn-staging-v2-config',
      previousEndpointConfig: 'churn-staging-v1-config',
    });
    mock.restore();
  });

  it('rolls back by pointing the endpoint at the previous config, and surfaces a failed update', async () => {
    const { mock, provider } = mocked();
    mock
      .on(DescribeEndpointCommand)
      .resolvesOnce({ EndpointStatus: 'InService', EndpointConfigName: 'churn-staging-v2-config' })
      .resolves({ EndpointStatus: 'InService', EndpointConfigName: 'churn-staging-v1-config' });
    const rolled = await provider.deploy(
      {
        model: { name: 'churn', version: '2' },
        stage: 'staging',
        rollback: true,
        refs: { previousEndpointConfig: 'churn-staging-v1-config' },
      },
      capturingContext().context,
    );
    expect(mock.commandCalls(UpdateEndpointCommand)[0]?.args[0].input).toMatchObject({
      EndpointConfigName: 'churn-staging-v1-config',
    });
    expect(rolled.refs.endpointConfig).toBe('churn-staging-v1-config');

    mock.reset();
    mock.on(DescribeModelPackageCommand).resolves({ ModelApprovalStatus: 'Approved' });
    mock.on(DescribeModelCommand).resolves({});
    mock.on(DescribeEndpointConfigCommand).resolves({});
    mock
      .on(DescribeEndpointCommand)
      .resolvesOnce({ EndpointStatus: 'InService', EndpointConfigName: 'churn-staging-v1-config' })
      .resolves({ EndpointStatus: 'Failed', FailureReason: 'health check failed' });
    const error = await provider
      .deploy(
        { model: { name: 'churn', version: '2' }, stage: 'staging', refs: { modelPackageArn: arn } },
        capturingContext().context,
      )
      .catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(
      /ended Failed: health check failed; the previous config churn-staging-v1-config is kept/,
    );
    mock.restore();
  });
});
