// deploy per stage: a Model from the approved model package, an EndpointConfig named after both,
// then CreateEndpoint, or UpdateEndpoint when the stage's endpoint exists (blue/green: SageMaker
// shifts traffic once the new fleet is healthy; the previous config is kept for rollback).
import type { DescribeEndpointCommandOutput, SageMakerClient } from '@aws-sdk/client-sagemaker';
import {
  type DeployInput,
  type DeployResult,
  ErrorCode,
  InvalidInputError,
  ModelshipError,
  type ProviderContext,
  ProviderError,
  type StatusResult,
} from '@modelship/core';
import { aws, isNotFound } from './errors.js';
import { resourceName } from './names.js';
import { findPackage, packageDescription } from './registry.js';
import type { ResolvedSettings } from './settings.js';
import { mapEndpointStatus } from './status.js';
import { waitUntil } from './wait.js';

type SageMaker = typeof import('@aws-sdk/client-sagemaker');

/** `<group>-<stage>`, as in the SageMaker MLOps template. */
export function endpointNameFor(group: string, stage: string): string {
  return resourceName(group, stage);
}

/** `…/model-package/<group>/<n>` → `<n>`. */
function packageVersionOf(arn: string): string {
  return arn.split('/').pop() ?? arn;
}

async function describeEndpoint(
  client: SageMakerClient,
  SM: SageMaker,
  name: string,
  context: ProviderContext,
) {
  try {
    return await aws('DescribeEndpoint', `endpoint ${name}`, () =>
      client.send(new SM.DescribeEndpointCommand({ EndpointName: name }), { abortSignal: context.signal }),
    );
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function exists(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

async function resolvePackage(
  settings: ResolvedSettings,
  client: SageMakerClient,
  SM: SageMaker,
  input: DeployInput,
  context: ProviderContext,
) {
  const group = input.refs.modelPackageGroup ?? settings.modelPackageGroup(input.model.name);
  let arn = input.refs.modelPackageArn;
  if (!arn) {
    const description = packageDescription(input.model.name, input.model.version);
    arn = (await findPackage(client, SM, group, description, context))?.ModelPackageArn;
    if (!arn)
      throw new ModelshipError(
        ErrorCode.NotFound,
        `deploy: ${input.model.name}@${input.model.version} has no model package in group ${group} and no modelPackageArn ref was given; register it first (tag --tag registered), approve it, then deploy`,
      );
  }
  const pkg = await aws('DescribeModelPackage', `model package ${arn}`, () =>
    client.send(new SM.DescribeModelPackageCommand({ ModelPackageName: arn }), {
      abortSignal: context.signal,
    }),
  );
  if (pkg.ModelApprovalStatus !== 'Approved')
    throw new ModelshipError(
      ErrorCode.ApprovalRequired,
      `deploy: model package ${arn} is ${pkg.ModelApprovalStatus ?? 'not approved'}; only Approved packages are deployed — approve it first (tag --tag approved --by <who>)`,
      { details: { modelPackageArn: arn, approval: pkg.ModelApprovalStatus } },
    );
  return { group, arn };
}

export async function deploy(
  settings: ResolvedSettings,
  input: DeployInput,
  context: ProviderContext,
): Promise<DeployResult> {
  const [client, SM] = await Promise.all([settings.sageMaker(context), import('@aws-sdk/client-sagemaker')]);
  const group = input.refs.modelPackageGroup ?? settings.modelPackageGroup(input.model.name);
  const endpointName = endpointNameFor(group, input.stage);
  const current = await describeEndpoint(client, SM, endpointName, context);

  let configName: string;
  let arn: string | undefined;
  const restoreConfig = input.rollback ? input.refs.previousEndpointConfig : undefined;
  if (input.rollback && !restoreConfig && !input.refs.modelPackageArn)
    throw new InvalidInputError(
      `deploy --rollback of ${endpointName}: pass the previousEndpointConfig ref of the deploy being undone, or the modelPackageArn of the version to restore`,
    );
  if (restoreConfig) {
    // Back to the config that served before; it was kept, so no model is rebuilt.
    configName = restoreConfig;
    const kept = await exists(() =>
      aws('DescribeEndpointConfig', `endpoint config ${configName}`, () =>
        client.send(new SM.DescribeEndpointConfigCommand({ EndpointConfigName: configName })),
      ),
    );
    if (!kept)
      throw new ModelshipError(
        ErrorCode.NotFound,
        `deploy --rollback: endpoint config ${configName} no longer exists; deploy the previous version again instead`,
      );
  } else {
    // A rollback by package (what the Promoter sends) lands on that version's kept config below.
    const resolved = await resolvePackage(settings, client, SM, input, context);
    const packageArn = resolved.arn;
    arn = packageArn;
    const modelName = resourceName(endpointName, `v${packageVersionOf(packageArn)}`);
    configName = resourceName(modelName, 'config');
    const roleArn = settings.roleArn();
    const modelExists = await exists(() =>
      aws('DescribeModel', `model ${modelName}`, () =>
        client.send(new SM.DescribeModelCommand({ ModelName: modelName })),
      ),
    );
    if (!modelExists)
      await aws('CreateModel', `model ${modelName}`, () =>
        client.send(
          new SM.CreateModelCommand({
            ModelName: modelName,
            ExecutionRoleArn: roleArn,
            PrimaryContainer: { ModelPackageName: packageArn },
          }),
          { abortSignal: context.signal },
        ),
      );
    const configExists = await exists(() =>
      aws('DescribeEndpointConfig', `endpoint config ${configName}`, () =>
        client.send(new SM.DescribeEndpointConfigCommand({ EndpointConfigName: configName })),
      ),
    );
    if (!configExists)
      await aws('CreateEndpointConfig', `endpoint config ${configName}`, () =>
        client.send(
          new SM.CreateEndpointConfigCommand({
            EndpointConfigName: configName,
            ProductionVariants: [
              {
                VariantName: 'AllTraffic',
                ModelName: modelName,
                InstanceType: settings.instanceType as never,
                InitialInstanceCount: settings.instanceCount,
                InitialVariantWeight: 1,
              },
            ],
          }),
          { abortSignal: context.signal },
        ),
      );
  }

  const previousConfig = current?.EndpointConfigName;
  if (!current) {
    await aws('CreateEndpoint', `endpoint ${endpointName}`, () =>
      client.send(
        new SM.CreateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: configName }),
        {
          abortSignal: context.signal,
        },
      ),
    );
    context.logger.info(`deploy: creating endpoint ${endpointName} with ${configName}`);
  } else if (previousConfig !== configName) {
    await aws('UpdateEndpoint', `endpoint ${endpointName}`, () =>
      client.send(
        new SM.UpdateEndpointCommand({
          EndpointName: endpointName,
          EndpointConfigName: configName,
          // Blue/green with an all-at-once traffic shift; SageMaker rolls back itself if the new fleet fails.
          DeploymentConfig: {
            BlueGreenUpdatePolicy: {
              TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 },
            },
          },
        }),
        { abortSignal: context.signal },
      ),
    );
    context.logger.info(`deploy: updating endpoint ${endpointName} from ${previousConfig} to ${configName}`);
  } else {
    context.logger.info(`deploy: ${endpointName} already runs ${configName}`);
  }

  const final = await waitForEndpoint(settings, client, SM, endpointName, context);
  const status = mapEndpointStatus(final.EndpointStatus);
  if (status.unified !== 'deployed')
    throw new ProviderError(
      `sagemaker endpoint ${endpointName} ended ${status.raw}: ${final.FailureReason || 'no FailureReason given'}; the previous config ${previousConfig ?? '(none)'} is kept — roll back or fix and deploy again`,
      {
        provider: 'sagemaker',
        operation: 'deploy',
        rawCode: status.raw,
        details: { endpointName, configName },
      },
    );
  return {
    status,
    endpoint: endpointName,
    refs: {
      ...input.refs,
      modelPackageGroup: group,
      ...(arn ? { modelPackageArn: arn } : {}),
      endpointName,
      endpointArn: final.EndpointArn ?? '',
      endpointConfig: configName,
      ...(previousConfig && previousConfig !== configName ? { previousEndpointConfig: previousConfig } : {}),
    },
    warnings: [],
  };
}

function waitForEndpoint(
  settings: ResolvedSettings,
  client: SageMakerClient,
  SM: SageMaker,
  name: string,
  context: ProviderContext,
) {
  return waitUntil<DescribeEndpointCommandOutput>(
    {
      what: `endpoint ${name}`,
      poll: () =>
        aws('DescribeEndpoint', `endpoint ${name}`, () =>
          client.send(new SM.DescribeEndpointCommand({ EndpointName: name }), {
            abortSignal: context.signal,
          }),
        ),
      done: (e) => mapEndpointStatus(e.EndpointStatus).unified !== 'deploying',
      describe: (e) => String(e.EndpointStatus),
      intervalMs: settings.pollIntervalMs,
      maxIntervalMs: settings.maxPollIntervalMs,
      timeoutMs: settings.waitTimeoutMs,
    },
    context,
  );
}

export async function endpointStatus(
  settings: ResolvedSettings,
  group: string,
  stage: string,
  context: ProviderContext,
): Promise<StatusResult> {
  const [client, SM] = await Promise.all([settings.sageMaker(context), import('@aws-sdk/client-sagemaker')]);
  const name = endpointNameFor(group, stage);
  const endpoint = await describeEndpoint(client, SM, name, context);
  if (!endpoint) return { status: { unified: 'unknown', raw: 'NotFound' }, refs: { endpointName: name } };
  return {
    status: mapEndpointStatus(endpoint.EndpointStatus),
    endpoint: name,
    refs: {
      endpointName: name,
      endpointArn: endpoint.EndpointArn ?? '',
      endpointConfig: endpoint.EndpointConfigName ?? '',
    },
  };
}

export async function deleteEndpoint(
  settings: ResolvedSettings,
  group: string,
  stage: string,
  context: ProviderContext,
) {
  const [client, SM] = await Promise.all([settings.sageMaker(context), import('@aws-sdk/client-sagemaker')]);
  const name = endpointNameFor(group, stage);
  try {
    await aws('DeleteEndpoint', `endpoint ${name}`, () =>
      client.send(new SM.DeleteEndpointCommand({ EndpointName: name }), { abortSignal: context.signal }),
    );
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return { refs: { endpointName: name }, warnings: [] };
}
