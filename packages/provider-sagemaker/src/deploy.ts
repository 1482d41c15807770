// deploy per stage: a Model from the approved model package, an EndpointConfig named after both,
// then CreateEndpoint, or UpdateEndpoint when the stage's endpoint exists (blue/green: SageMaker
// shifts traffic once the new fleet is healthy; the previous config is kept for rollback).
import type { DeploymentConfig } from '@aws-sdk/client-sagemaker';
import {
  type DeployInput,
  type DeployResult,
  ErrorCode,
  InvalidInputError,
  ModelshipError,
  type ProviderContext,
  ProviderError,
  type UndeployInput,
  type UndeployResult,
} from '@modelship/core';
import { delay, nextInterval } from '@modelship/core/provider-kit';
import { type SageMakerApi, waitUntilSettled } from './client.js';
import { aws, ifExists, isNotFound } from './errors.js';
import { describePackage, findPackage } from './model-packages.js';
import { endpointNameFor, resourceName } from './names.js';
import type { DeploymentSettings, ResolvedSettings } from './settings.js';
import { describeEndpoint, mapEndpointStatus } from './status.js';

/** `…/model-package/<group>/<n>` → `<n>`. */
function packageVersionOf(arn: string): string {
  return arn.split('/').pop() ?? arn;
}

async function exists(call: () => Promise<unknown>): Promise<boolean> {
  return (await ifExists(call().then(() => true))) ?? false;
}

/** Lookups right after CreateModelPackage may not see it yet (eventual consistency): a few tries. */
const LOOKUP_ATTEMPTS = 4;

async function eventually<T>(
  settings: ResolvedSettings,
  context: ProviderContext,
  lookup: () => Promise<T | undefined>,
): Promise<T | undefined> {
  let interval = settings.pollIntervalMs;
  for (let attempt = 1; ; attempt += 1) {
    const found = await lookup().catch((error: unknown) => {
      if (isNotFound(error) && attempt < LOOKUP_ATTEMPTS) return undefined;
      throw error;
    });
    if (found !== undefined || attempt >= LOOKUP_ATTEMPTS) return found;
    await delay(interval, context.signal, 'waiting for the model registry');
    interval = nextInterval(interval, settings.maxPollIntervalMs);
  }
}

async function resolvePackage(
  settings: ResolvedSettings,
  api: SageMakerApi,
  input: DeployInput,
  context: ProviderContext,
) {
  const group = settings.group(input);
  const model = { name: input.model.name, version: input.model.version };
  const arn =
    input.refs.modelPackageArn ??
    (await eventually(
      settings,
      context,
      async () => (await findPackage(api, group, model, context))?.ModelPackageArn,
    ));
  if (!arn)
    throw new ModelshipError(
      ErrorCode.NotFound,
      `deploy: ${input.model.name}@${input.model.version} has no model package in group ${group} and no modelPackageArn ref was given; register it first (tag --tag registered), approve it, then deploy`,
    );
  const pkg = (await eventually(settings, context, () => describePackage(api, arn, context)))!;
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
  const api = await settings.sageMakerApi(context);
  const { client, SM } = api;
  const group = settings.group(input);
  const endpointName = endpointNameFor(group, input.stage);
  let current = await describeEndpoint(api, endpointName, context);
  if (current && mapEndpointStatus(current.EndpointStatus).unified === 'deploying') {
    // SageMaker refuses to change an endpoint in progress ("Cannot update in-progress endpoint").
    context.logger.info(
      `deploy: ${endpointName} is ${current.EndpointStatus}; waiting for it to settle first`,
    );
    current = await waitForEndpoint(settings, api, endpointName, context);
  }

  let configName: string;
  let arn: string | undefined;
  const restoreConfig = input.rollback ? input.refs.previousEndpointConfig : undefined;
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
    // A rollback without a config (what the Promoter sends: the restored version's refs) finds that
    // version's package like any deploy and lands on its kept config below.
    const resolved = await resolvePackage(settings, api, input, context);
    const packageArn = resolved.arn;
    arn = packageArn;
    const modelName = resourceName(endpointName, `v${packageVersionOf(packageArn)}`);
    configName = resourceName(modelName, 'config');
    const roleArn = await settings.roleArn(context);
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
    const policy = deploymentConfig(settings.deployment(input.stage), `deployment (stage ${input.stage})`);
    await aws('UpdateEndpoint', `endpoint ${endpointName}`, () =>
      client.send(
        new SM.UpdateEndpointCommand({
          EndpointName: endpointName,
          EndpointConfigName: configName,
          // Blue/green: SageMaker shifts traffic as the stage's policy says and rolls back by itself
          // when the new fleet fails or an alarm fires.
          DeploymentConfig: policy,
        }),
        { abortSignal: context.signal },
      ),
    );
    const traffic = policy.BlueGreenUpdatePolicy?.TrafficRoutingConfiguration;
    context.logger.info(
      `deploy: updating endpoint ${endpointName} from ${previousConfig} to ${configName} (${traffic?.Type}, wait ${traffic?.WaitIntervalInSeconds} s${policy.AutoRollbackConfiguration ? `, alarms ${policy.AutoRollbackConfiguration.Alarms?.map((a) => a.AlarmName).join(', ')}` : ''})`,
    );
  } else {
    context.logger.info(`deploy: ${endpointName} already runs ${configName}`);
  }

  const final = await waitForEndpoint(settings, api, endpointName, context);
  const status = mapEndpointStatus(final.EndpointStatus);
  if (status.unified === 'deployed' && final.EndpointConfigName !== configName)
    // DescribeEndpoint: InService with FailureReason set is an update SageMaker rolled back; the
    // old config still serves, so this deploy failed.
    throw new ProviderError(
      `sagemaker rolled back the update of ${endpointName} to ${configName}: ${final.FailureReason || 'no FailureReason given'}; ${final.EndpointConfigName ?? previousConfig} still serves`,
      {
        provider: 'sagemaker',
        operation: 'deploy',
        rawCode: 'RolledBack',
        details: {
          endpointName,
          configName,
          servingConfig: final.EndpointConfigName,
          failureReason: final.FailureReason,
        },
      },
    );
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
  { client, SM }: SageMakerApi,
  name: string,
  context: ProviderContext,
) {
  return waitUntilSettled(settings, context, {
    what: `endpoint ${name}`,
    describe: () =>
      aws('DescribeEndpoint', `endpoint ${name}`, () =>
        client.send(new SM.DescribeEndpointCommand({ EndpointName: name }), {
          abortSignal: context.signal,
        }),
      ),
    state: (e) => String(e.EndpointStatus),
    settled: (e) => mapEndpointStatus(e.EndpointStatus).unified !== 'deploying',
  });
}

/** Deletes the stage's endpoint; its configs and models are kept, so a later deploy or rollback is quick. */
export async function undeploy(
  settings: ResolvedSettings,
  input: UndeployInput,
  context: ProviderContext,
): Promise<UndeployResult> {
  const { client, SM } = await settings.sageMakerApi(context);
  const name = endpointNameFor(settings.group(input), input.stage);
  // Already gone is what was asked for.
  await ifExists(
    aws('DeleteEndpoint', `endpoint ${name}`, () =>
      client.send(new SM.DeleteEndpointCommand({ EndpointName: name }), { abortSignal: context.signal }),
    ),
  );
  return { refs: { endpointName: name }, warnings: [] };
}

// A stage's update policy → UpdateEndpoint's DeploymentConfig. The ranges are checked by the
// settings schema; what depends on two fields at once is checked here.
/** The DeploymentConfig UpdateEndpoint is sent for `policy` (merged for one stage). */
export function deploymentConfig(policy: DeploymentSettings, where = 'deployment'): DeploymentConfig {
  const traffic = policy.traffic ?? 'ALL_AT_ONCE';
  if (traffic !== 'ALL_AT_ONCE' && policy.stepPercent === undefined)
    throw new InvalidInputError(`${where}: ${traffic} traffic needs stepPercent (the share moved per step)`);
  if (traffic === 'LINEAR' && (policy.stepPercent ?? 0) < 10)
    throw new InvalidInputError(
      `${where}: LINEAR steps must be 10–50 % of capacity, got ${policy.stepPercent}`,
    );
  const size = { Type: 'CAPACITY_PERCENT' as const, Value: policy.stepPercent ?? 0 };
  return {
    BlueGreenUpdatePolicy: {
      TrafficRoutingConfiguration: {
        Type: traffic,
        WaitIntervalInSeconds: policy.waitSeconds ?? 0,
        ...(traffic === 'CANARY' ? { CanarySize: size } : {}),
        ...(traffic === 'LINEAR' ? { LinearStepSize: size } : {}),
      },
      ...(policy.bakeSeconds !== undefined ? { TerminationWaitInSeconds: policy.bakeSeconds } : {}),
      ...(policy.maxExecutionSeconds !== undefined
        ? { MaximumExecutionTimeoutInSeconds: policy.maxExecutionSeconds }
        : {}),
    },
    ...(policy.alarms?.length
      ? { AutoRollbackConfiguration: { Alarms: policy.alarms.map((AlarmName) => ({ AlarmName })) } }
      : {}),
  };
}
