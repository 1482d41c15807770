// Registry lookups as the MLOps template's CI meets them: filtered pages that come back empty,
// packages not visible yet right after CreateModelPackage, packages the build pipeline filed
// itself, and the execution role kept in an SSM parameter.
import {
  CreateModelPackageCommand,
  DescribeEndpointCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createSageMakerProvider } from '../src/index.js';
import {
  approvedVersion,
  capturingContext,
  credentials,
  motoProvider,
  motoUrl,
  roleArn,
  uniqueName,
} from './moto.js';

const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/7';

function mocked() {
  const mock = mockClient(SageMakerClient);
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

describe('registry lookups (aws-sdk-client-mock)', () => {
  it('latest-approved follows NextToken past an empty filtered page', async () => {
    const { mock, provider } = mocked();
    mock
      .on(ListModelPackagesCommand)
      .resolvesOnce({ ModelPackageSummaryList: [], NextToken: 'page-2' })
      .resolvesOnce({
        ModelPackageSummaryList: [{ ModelPackageArn: arn, ModelApprovalStatus: 'Approved' } as never],
      });
    const status = await provider.status({ model: { name: 'churn' } }, capturingContext().context);
    expect(status.refs.modelPackageArn).toBe(arn);
    expect(mock.commandCalls(ListModelPackagesCommand)[1]?.args[0].input.NextToken).toBe('page-2');
    mock.restore();
  });

  it("a stage's status survives a registry it may not list: the tags are left out with a warning", async () => {
    const { mock, provider } = mocked();
    mock.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: 'c' });
    mock
      .on(ListModelPackagesCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    const { context, lines } = capturingContext();
    const status = await provider.status(
      { model: { name: 'churn', version: '7' }, stage: 'staging' },
      context,
    );
    expect(status.status.unified).toBe('deployed');
    expect(status.refs.tags).toBeUndefined();
    expect(lines.join('\n')).toMatch(/warn status: tags of churn@7 not read: .*AccessDeniedException/);
    mock.restore();
  });

  it('a deploy right after CreateModelPackage retries the lookup a bounded number of times', async () => {
    const { mock, provider } = mocked();
    const listing = {
      ModelPackageSummaryList: [{ ModelPackageArn: arn, ModelPackageDescription: 'modelship churn@7' }],
    };
    mock
      .on(ListModelPackagesCommand)
      .resolvesOnce({ ModelPackageSummaryList: [] })
      .resolvesOnce({})
      .resolves(listing as never);
    mock.on(DescribeModelPackageCommand).resolves({ ModelApprovalStatus: 'PendingManualApproval' });
    const error = await provider
      .deploy(
        { model: { name: 'churn', version: '7' }, stage: 'staging', refs: {} },
        capturingContext().context,
      )
      .catch((e: unknown) => e);
    // Found on a later try; then refused for the right reason (not approved), not "no package".
    expect(String((error as Error).message)).toMatch(/is PendingManualApproval/);
    mock.reset();
    mock.on(ListModelPackagesCommand).resolves({ ModelPackageSummaryList: [] });
    const missing = await provider
      .deploy(
        { model: { name: 'churn', version: '8' }, stage: 'staging', refs: {} },
        capturingContext().context,
      )
      .catch((e: unknown) => e);
    expect(String((missing as Error).message)).toMatch(/has no model package in group churn/);
    // description pages + one scan for adopted packages, per attempt: bounded
    expect(mock.commandCalls(ListModelPackagesCommand).length).toBeLessThanOrEqual(8);
    mock.restore();
  });
});

describe('the build pipeline filed the package (moto)', () => {
  it('adopts the RegisterModel package with the same model data instead of filing a second', async () => {
    const group = uniqueName('churn');
    const { provider, sageMaker } = await motoProvider({ modelPackageGroup: group });
    const { context } = capturingContext();
    const trained = 's3://modelship-example/modelship/churn/training/exec-1/model.tar.gz';
    await provider.tag(
      {
        model: { name: 'churn', version: 'v0' },
        stage: 'staging',
        tag: 'registered',
        refs: { modelDataUrl: 's3://b/other/model.tar.gz' },
      },
      context,
    );
    // What the pipeline's RegisterModel step does.
    const filed = await sageMaker.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: group,
        ModelPackageDescription: 'churn model from pipeline churn-build',
        ModelApprovalStatus: 'PendingManualApproval',
        InferenceSpecification: {
          Containers: [{ Image: 'xgboost:1', ModelDataUrl: trained }],
          SupportedContentTypes: ['text/csv'],
          SupportedResponseMIMETypes: ['text/csv'],
        },
      }),
    );
    const tagged = await provider.tag(
      {
        model: { name: 'churn', version: 'v1' },
        stage: 'staging',
        tag: 'registered',
        refs: {
          modelArtifact: trained,
          modelDataPrefix: 's3://b/modelship/churn/sha256-ab/',
          manifestDigest: 'sha256:ab',
        },
      },
      context,
    );
    expect(tagged.refs.modelPackageArn).toBe(filed.ModelPackageArn);
    const listed = await sageMaker.send(new ListModelPackagesCommand({ ModelPackageGroupName: group }));
    expect(listed.ModelPackageSummaryList).toHaveLength(2);
    const pkg = await sageMaker.send(
      new DescribeModelPackageCommand({ ModelPackageName: filed.ModelPackageArn }),
    );
    expect(pkg.CustomerMetadataProperties).toMatchObject({
      'modelship:version': 'v1',
      'modelship:manifest-digest': 'sha256:ab',
    });
    // Later calls find it through its metadata, and approvals land on it.
    const approved = await provider.tag(
      {
        model: { name: 'churn', version: 'v1' },
        stage: 'staging',
        tag: 'approved',
        refs: {},
        approval: { by: 'ml-lead' },
      },
      context,
    );
    expect(approved.refs.modelPackageArn).toBe(filed.ModelPackageArn);
    const after = await sageMaker.send(
      new DescribeModelPackageCommand({ ModelPackageName: filed.ModelPackageArn }),
    );
    expect(after).toMatchObject({
      ModelApprovalStatus: 'Approved',
      CustomerMetadataProperties: { 'modelship:version': 'v1' },
    });
  });
});

describe('execution role from an SSM parameter (moto)', () => {
  it('reads the role ARN from the parameter the MLOps template keeps it in', async () => {
    const ssm = new SSMClient({ region: 'us-east-1', endpoint: motoUrl(), credentials, maxAttempts: 1 });
    const name = `/sagemaker/execution/${uniqueName('role')}`;
    const parameterRole = 'arn:aws:iam::123456789012:role/from-ssm';
    await ssm.send(new PutParameterCommand({ Name: name, Value: parameterRole, Type: 'String' }));
    const group = uniqueName('churn');
    const { provider, sageMaker } = await motoProvider({
      modelPackageGroup: group,
      roleArn: undefined,
      roleParameter: name,
      ssmClient: ssm,
    });
    const v1 = await approvedVersion(provider, '1');
    await provider.deploy(
      { model: { name: 'churn', version: '1' }, stage: 'staging', refs: v1 },
      capturingContext().context,
    );
    const model = await sageMaker.send(new DescribeModelCommand({ ModelName: `${group}-staging-v1` }));
    expect(model.ExecutionRoleArn).toBe(parameterRole);

    const { provider: wrong } = await motoProvider({
      roleArn: undefined,
      roleParameter: '/nope/missing',
      ssmClient: ssm,
    });
    const error = await wrong
      .deploy(
        { model: { name: 'churn', version: '1' }, stage: 'staging', refs: v1 },
        capturingContext().context,
      )
      .catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(/GetParameter failed for SSM parameter \/nope\/missing/);
  });
});
