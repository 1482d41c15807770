import {
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { ErrorCode, ModelshipError } from '@modelship/core';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createSageMakerProvider } from '../src/index.js';
import { capturingContext, motoProvider, roleArn, uniqueName } from './moto.js';

const uploadedRefs = {
  modelDataUrl: 's3://bucket/modelship/churn/1/model.tar.gz',
  manifestDigest: 'sha256:3f2a',
  manifestUri: 's3://bucket/modelship/churn/1/modelship.manifest.json',
  commit: 'a1b2c3d4e5f6',
  repository: 'acme/churn',
  runId: '4242',
};

describe('model registry against moto', () => {
  it('registers a version once, PendingManualApproval, with digests and provenance as customer metadata', async () => {
    const group = uniqueName('churn');
    const { provider, sageMaker } = await motoProvider({ modelPackageGroup: group });
    const { context } = capturingContext();
    const input = {
      model: { name: 'churn', version: '1' },
      stage: 'staging',
      tag: 'registered',
      refs: uploadedRefs,
    };
    const first = await provider.tag(input, context);
    const again = await provider.tag(input, context);
    expect(again.refs.modelPackageArn).toBe(first.refs.modelPackageArn);
    const pkg = await sageMaker.send(
      new DescribeModelPackageCommand({ ModelPackageName: first.refs.modelPackageArn }),
    );
    expect(pkg.ModelApprovalStatus).toBe('PendingManualApproval');
    expect(pkg.CustomerMetadataProperties).toMatchObject({
      'modelship:version': '1',
      'modelship:manifest-digest': 'sha256:3f2a',
      'modelship:commit': 'a1b2c3d4e5f6',
      'modelship:repository': 'acme/churn',
    });
    expect(pkg.InferenceSpecification?.Containers?.[0]?.ModelDataUrl).toBe(uploadedRefs.modelDataUrl);
  });

  it('keeps other tags in the package metadata, and status reads them back with the approval', async () => {
    const group = uniqueName('churn');
    const { provider, sageMaker } = await motoProvider({ modelPackageGroup: group });
    const { context } = capturingContext();
    const model = { name: 'churn', version: '1' };
    const tag = (
      name: string,
      action: 'add' | 'remove' = 'add',
      refs: Record<string, string> = uploadedRefs,
    ) =>
      provider.tag({ model, stage: 'staging', tag: name, action, refs, approval: { by: 'alice' } }, context);
    const tags = async () => (await provider.status({ model, stage: 'staging' }, context)).refs.tags;
    const registered = await tag('registered');
    await tag('challenger', 'add', registered.refs);
    expect(await tags()).toBe('challenger,registered');
    await tag('approved', 'add', registered.refs);
    expect(await tags()).toBe('approved,challenger,registered');
    await tag('challenger', 'remove', registered.refs);
    expect(await tags()).toBe('approved,registered');
    const pkg = await sageMaker.send(
      new DescribeModelPackageCommand({ ModelPackageName: registered.refs.modelPackageArn }),
    );
    expect(pkg.CustomerMetadataProperties?.['modelship:tags']).toBe('registered');
    expect(pkg.ModelApprovalStatus).toBe('Approved');
    // Another version (none registered) has no tags to report; a status without a version reads none.
    expect(
      (await provider.status({ model: { name: 'churn', version: '9' }, stage: 'staging' }, context)).refs
        .tags,
    ).toBeUndefined();
    expect(
      (await provider.status({ model: { name: 'churn' }, stage: 'staging' }, context)).refs.tags,
    ).toBeUndefined();
  });

  it('mirrors approvals and rejections with who and why, and finds the latest approved', async () => {
    const group = uniqueName('churn');
    const { provider, sageMaker } = await motoProvider({ modelPackageGroup: group });
    const { context } = capturingContext();
    const register = (version: string) =>
      provider.tag(
        { model: { name: 'churn', version }, stage: 'staging', tag: 'registered', refs: uploadedRefs },
        context,
      );
    const v1 = await register('1');
    const v2 = await register('2');
    const v3 = await register('3');
    const decide = (refs: Record<string, string>, version: string, tag: string, by: string, reason: string) =>
      provider.tag(
        { model: { name: 'churn', version }, stage: 'staging', tag, refs, approval: { by, reason } },
        context,
      );
    await decide(v1.refs, '1', 'approved', 'alice', 'mse 4.2 <= 6.0');
    await decide(v2.refs, '2', 'approved', 'bob', 'mse 3.9 <= 6.0');
    await decide(v3.refs, '3', 'rejected', 'carol', 'drift on segment B');
    const approved = await sageMaker.send(
      new DescribeModelPackageCommand({ ModelPackageName: v2.refs.modelPackageArn }),
    );
    expect(approved).toMatchObject({
      ModelApprovalStatus: 'Approved',
      ApprovalDescription: 'approved by bob: mse 3.9 <= 6.0',
    });
    const rejected = await sageMaker.send(
      new DescribeModelPackageCommand({ ModelPackageName: v3.refs.modelPackageArn }),
    );
    expect(rejected).toMatchObject({
      ModelApprovalStatus: 'Rejected',
      ApprovalDescription: 'rejected by carol: drift on segment B',
    });
    const latest = await provider.status({ model: { name: 'churn' } }, context);
    expect(latest).toMatchObject({
      status: { unified: 'approved' },
      refs: { modelPackageArn: v2.refs.modelPackageArn },
    });
  });

  it('points an uploaded directory at its uncompressed prefix (ModelDataSource S3Prefix, CompressionType None)', async () => {
    const group = uniqueName('churn');
    const { provider, sageMaker } = await motoProvider({ modelPackageGroup: group });
    const { context } = capturingContext();
    const prefix = 's3://bucket/modelship/churn/sha256-3f2a/';
    const model = { name: 'churn', version: '1' };
    const tagged = await provider.tag(
      {
        model,
        stage: 'staging',
        tag: 'registered',
        refs: { modelDataPrefix: prefix, manifestDigest: 'sha256:3f2a' },
      },
      context,
    );
    const pkg = await sageMaker.send(
      new DescribeModelPackageCommand({ ModelPackageName: tagged.refs.modelPackageArn }),
    );
    expect(pkg.InferenceSpecification?.Containers?.[0]).toMatchObject({
      ModelDataSource: { S3DataSource: { S3Uri: prefix, S3DataType: 'S3Prefix', CompressionType: 'None' } },
    });
    expect(pkg.CustomerMetadataProperties?.['modelship:manifest-digest']).toBe('sha256:3f2a');
    const refused = await provider
      .tag(
        {
          model: { name: 'churn', version: '2' },
          stage: 'staging',
          tag: 'registered',
          refs: { modelDataUrl: 's3://bucket/modelship/churn/weights.bin' },
        },
        context,
      )
      .catch((e: unknown) => e);
    expect(String((refused as Error).message)).toMatch(/only as a gzip tarball/);
  });

  it('will not approve without naming who decided', async () => {
    const { provider } = await motoProvider({ modelPackageGroup: uniqueName('churn') });
    const error = await provider
      .tag(
        { model: { name: 'churn', version: '1' }, stage: 'staging', tag: 'approved', refs: uploadedRefs },
        capturingContext().context,
      )
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.ApprovalRequired)).toBe(true);
  });
});

describe('latest approved query (aws-sdk-client-mock)', () => {
  it('always asks for Approved packages sorted by CreationTime, newest first', async () => {
    const mock = mockClient(SageMakerClient);
    mock.on(ListModelPackagesCommand).resolves({ ModelPackageSummaryList: [] });
    const provider = createSageMakerProvider({
      region: 'us-east-1',
      roleArn,
      env: {},
      sageMakerClient: mock as unknown as SageMakerClient,
    });
    const { context } = capturingContext();
    await provider.status({ model: { name: 'churn' } }, context);
    const calls = mock.commandCalls(ListModelPackagesCommand);
    expect(calls).toHaveLength(1);
    for (const call of calls)
      expect(call.args[0].input).toMatchObject({
        ModelApprovalStatus: 'Approved',
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
      });
    mock.restore();
  });
});
