// Endpoint updates against moto behind the endpoint-lifecycle server
// (packages/testing/sagemaker-endpoints): Creating/Updating are observable, UpdateEndpoint exists
// and an update can roll back as DescribeEndpoint documents it.
import { DescribeEndpointCommand, UpdateEndpointCommand } from '@aws-sdk/client-sagemaker';
import { ErrorCode, ModelshipError } from '@modelship/core';
import { failNextUpdate } from '@modelship/testing-sagemaker-endpoints';
import { describe, expect, it } from 'vitest';
import { approvedVersion, capturingContext, motoProvider, motoUrl, setAlarm, uniqueName } from './moto.js';

async function twoVersions(settings: Parameters<typeof motoProvider>[0] = {}) {
  const group = uniqueName('churn');
  const moto = await motoProvider({ modelPackageGroup: group, ...settings });
  const v1 = await approvedVersion(moto.provider, '1');
  const v2 = await approvedVersion(moto.provider, '2');
  const { context, lines } = capturingContext();
  await moto.provider.deploy(
    { model: { name: 'churn', version: '1' }, stage: 'production', refs: v1 },
    context,
  );
  return { ...moto, group, v1, v2, context, lines, endpoint: `${group}-production` };
}

describe('endpoint updates (moto + endpoint lifecycle)', () => {
  it('waits through Creating, then updates with the stage policy: canary in production, alarms, baking', async () => {
    const { provider, sageMaker, v2, context, lines, endpoint } = await twoVersions({
      deployment: {
        traffic: 'ALL_AT_ONCE',
        stages: {
          production: {
            traffic: 'CANARY',
            stepPercent: 10,
            waitSeconds: 600,
            bakeSeconds: 300,
            maxExecutionSeconds: 3600,
            alarms: ['churn-5xx'],
          },
        },
      },
    });
    expect(lines.join('\n')).toMatch(/endpoint .*-production is Creating/);
    const result = await provider.deploy(
      { model: { name: 'churn', version: '2' }, stage: 'production', refs: v2 },
      context,
    );
    expect(result.refs.endpointConfig).toBe(`${endpoint}-v2-config`);
    expect(lines.join('\n')).toMatch(/is Updating/);
    const described = await sageMaker.send(new DescribeEndpointCommand({ EndpointName: endpoint }));
    expect(described).toMatchObject({
      EndpointStatus: 'InService',
      EndpointConfigName: `${endpoint}-v2-config`,
    });
    expect(described.LastDeploymentConfig).toEqual({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: {
          Type: 'CANARY',
          WaitIntervalInSeconds: 600,
          CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 },
        },
        TerminationWaitInSeconds: 300,
        MaximumExecutionTimeoutInSeconds: 3600,
      },
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'churn-5xx' }] },
    });
  });

  it('reports an update SageMaker rolled back (FailureReason, old config serving) as a failure', async () => {
    const { provider, sageMaker, v2, context, endpoint } = await twoVersions();
    await failNextUpdate(motoUrl(), endpoint, 'health check of the new fleet failed');
    const error = await provider
      .deploy({ model: { name: 'churn', version: '2' }, stage: 'production', refs: v2 }, context)
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.Provider)).toBe(true);
    expect(String((error as Error).message)).toMatch(
      /rolled back the update .* health check of the new fleet failed; .*-v1-config still serves/,
    );
    const described = await sageMaker.send(new DescribeEndpointCommand({ EndpointName: endpoint }));
    expect(described).toMatchObject({
      EndpointStatus: 'InService',
      EndpointConfigName: `${endpoint}-v1-config`,
    });
  });

  it('rolls back when an AutoRollbackConfiguration alarm fires during the shift', async () => {
    const name = uniqueName('churn-5xx');
    await setAlarm(name, 'ALARM');
    const { provider, v2, context } = await twoVersions({ deployment: { alarms: [name] } });
    const error = await provider
      .deploy({ model: { name: 'churn', version: '2' }, stage: 'production', refs: v2 }, context)
      .catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(new RegExp(`Alarm ${name} went into ALARM`));
  });

  it('waits for an endpoint another deploy is updating, instead of failing "Cannot update in-progress endpoint"', async () => {
    const { provider, sageMaker, v2, context, lines, endpoint } = await twoVersions();
    // Someone else's update is under way (the same config again is enough to make it Updating).
    await sageMaker.send(
      new UpdateEndpointCommand({ EndpointName: endpoint, EndpointConfigName: `${endpoint}-v1-config` }),
    );
    const refused = await sageMaker
      .send(
        new UpdateEndpointCommand({ EndpointName: endpoint, EndpointConfigName: `${endpoint}-v1-config` }),
      )
      .catch((e: unknown) => e);
    expect(String((refused as Error).message)).toMatch(/Cannot update in-progress endpoint/);
    lines.length = 0;
    const result = await provider.deploy(
      { model: { name: 'churn', version: '2' }, stage: 'production', refs: v2 },
      context,
    );
    expect(lines[0]).toMatch(/is Updating; waiting for it to settle first/);
    expect(result.status.unified).toBe('deployed');
  });

  it('gives up after the wait limit, naming the setting and its flag', async () => {
    const group = uniqueName('churn');
    const { provider } = await motoProvider({ modelPackageGroup: group, waitTimeoutMs: 1 });
    const v1 = await approvedVersion(provider, '1');
    const error = await provider
      .deploy(
        { model: { name: 'churn', version: '1' }, stage: 'staging', refs: v1 },
        capturingContext().context,
      )
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.Timeout)).toBe(true);
    expect(String((error as Error).message)).toMatch(/last: Creating.*--wait-timeout-ms/);
  });
});
