import { DescribeModelCommand } from '@aws-sdk/client-sagemaker';
import { ErrorCode, ModelshipError } from '@modelship/core';
import { describe, expect, it } from 'vitest';
import { approvedVersion, capturingContext, motoProvider, uniqueName } from './moto.js';

const refs = { modelDataUrl: 's3://bucket/modelship/churn/1/model.tar.gz', manifestDigest: 'sha256:3f2a' };

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
