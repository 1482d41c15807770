import { ListModelPackagesCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { ErrorCode, ModelshipError, ProviderError } from '@modelship/core';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createSageMakerProvider, errorCodeForAws } from '../src/index.js';
import { capturingContext, credentials, motoProvider, roleArn } from './moto.js';

function awsError(name: string, status: number, message: string) {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, $fault: 'client' });
}

describe('AWS errors become ModelshipErrors', () => {
  it('maps throttling (retryable), auth, validation and missing resources', () => {
    expect(errorCodeForAws('ThrottlingException', 400, 'Rate exceeded')).toBe(ErrorCode.Throttled);
    expect(errorCodeForAws('SlowDown', 503, '')).toBe(ErrorCode.Throttled);
    expect(errorCodeForAws('AccessDeniedException', 400, '')).toBe(ErrorCode.AuthFailed);
    expect(errorCodeForAws('ValidationException', 400, "Could not find endpoint 'x'")).toBe(
      ErrorCode.NotFound,
    );
    expect(errorCodeForAws('ValidationException', 400, 'Value at instanceType failed')).toBe(
      ErrorCode.InvalidInput,
    );
    expect(errorCodeForAws('ResourceNotFound', 400, '')).toBe(ErrorCode.NotFound);
    expect(errorCodeForAws('InternalFailure', 500, '')).toBe(ErrorCode.Provider);
  });

  it('a throttled call fails as a retryable ProviderError naming the operation and subject', async () => {
    const mock = mockClient(SageMakerClient);
    mock.on(ListModelPackagesCommand).rejects(awsError('ThrottlingException', 400, 'Rate exceeded'));
    const provider = createSageMakerProvider({
      region: 'us-east-1',
      roleArn,
      env: {},
      sageMakerClient: mock as unknown as SageMakerClient,
    });
    const error = await provider
      .status({ model: { name: 'churn' } }, capturingContext().context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      code: ErrorCode.Throttled,
      isRetryable: true,
      operation: 'ListModelPackages',
      rawCode: 'ThrottlingException',
    });
    expect(String((error as Error).message)).toMatch(
      /ListModelPackages failed for model package group churn .*Rate exceeded; AWS throttled/,
    );
    mock.restore();
  });

  it('moto: a missing endpoint config, a missing package and an invalid request', async () => {
    const { provider } = await motoProvider();
    const { context } = capturingContext({ secrets: [credentials.secretAccessKey] });
    const missingPackage = await provider
      .deploy(
        {
          model: { name: 'churn', version: '1' },
          stage: 'staging',
          refs: { modelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/none/9' },
        },
        context,
      )
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(missingPackage, ErrorCode.NotFound)).toBe(true);
    const rollback = await provider
      .deploy(
        {
          model: { name: 'churn', version: '1' },
          stage: 'staging',
          rollback: true,
          refs: { previousEndpointConfig: 'gone-config' },
        },
        context,
      )
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(rollback, ErrorCode.NotFound)).toBe(true);
    expect(String((rollback as Error).message)).toMatch(/gone-config no longer exists/);
    const invalid = await provider
      .train({ model: { name: 'churn' }, options: { pipeline: 'never-created-pipeline' } }, context)
      .catch((e: unknown) => e);
    expect(ModelshipError.isInstance(invalid)).toBe(true);
    for (const e of [missingPackage, rollback, invalid])
      expect(String((e as Error).message)).not.toContain(credentials.secretAccessKey);
  });

  it('names both ways to configure what is missing', async () => {
    const provider = createSageMakerProvider({ env: {} });
    const error = await provider
      .status({ model: { name: 'churn' } }, capturingContext().context)
      .catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(
      /no region configured; pass \{ region \} to createSageMakerProvider or set AWS_REGION/,
    );
    expect(() => createSageMakerProvider({ partSize: 1024 })).toThrow(/below the S3 minimum/);
  });
});
