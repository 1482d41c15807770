// A stage's update policy → UpdateEndpoint's DeploymentConfig. Pure; the limits are the API
// reference's (TrafficRoutingConfig, CapacitySize, BlueGreenUpdatePolicy, AutoRollbackConfig):
// WaitIntervalInSeconds and TerminationWaitInSeconds 0–3600, MaximumExecutionTimeoutInSeconds
// 600–28800, CanarySize ≤ 50 % and LinearStepSize 10–50 % of the variant's capacity, 1–10 alarms.
import type { DeploymentConfig } from '@aws-sdk/client-sagemaker';
import { InvalidInputError } from '@modelship/core/errors';
import type { DeploymentSettings } from './settings.js';

const TRAFFIC = ['ALL_AT_ONCE', 'CANARY', 'LINEAR'] as const;
const KEYS = ['traffic', 'stepPercent', 'waitSeconds', 'bakeSeconds', 'maxExecutionSeconds', 'alarms'];

function integerIn(value: unknown, min: number, max: number, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new InvalidInputError(
      `${where} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  return value;
}

/** Checks one policy object (from settings or the config file); `where` names it in errors. */
export function checkDeploymentSettings(value: unknown, where: string): DeploymentSettings {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidInputError(
      `${where} must be an object such as { "traffic": "CANARY", "stepPercent": 10, "waitSeconds": 600 }`,
    );
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw))
    if (!KEYS.includes(key) && key !== 'stages')
      throw new InvalidInputError(
        `${where}.${key} is not a deployment setting; known: ${KEYS.join(', ')}, stages`,
      );
  if (raw.traffic !== undefined && !TRAFFIC.includes(raw.traffic as never))
    throw new InvalidInputError(
      `${where}.traffic must be one of ${TRAFFIC.join(', ')}, got ${JSON.stringify(raw.traffic)}`,
    );
  if (
    raw.alarms !== undefined &&
    (!Array.isArray(raw.alarms) ||
      raw.alarms.some((a) => typeof a !== 'string' || a === '') ||
      raw.alarms.length > 10)
  )
    throw new InvalidInputError(`${where}.alarms must be a list of 1 to 10 CloudWatch alarm names`);
  return {
    ...(raw.traffic ? { traffic: raw.traffic as DeploymentSettings['traffic'] } : {}),
    ...(raw.stepPercent !== undefined
      ? { stepPercent: integerIn(raw.stepPercent, 1, 50, `${where}.stepPercent`) }
      : {}),
    ...(raw.waitSeconds !== undefined
      ? { waitSeconds: integerIn(raw.waitSeconds, 0, 3600, `${where}.waitSeconds`) }
      : {}),
    ...(raw.bakeSeconds !== undefined
      ? { bakeSeconds: integerIn(raw.bakeSeconds, 0, 3600, `${where}.bakeSeconds`) }
      : {}),
    ...(raw.maxExecutionSeconds !== undefined
      ? {
          maxExecutionSeconds: integerIn(raw.maxExecutionSeconds, 600, 28800, `${where}.maxExecutionSeconds`),
        }
      : {}),
    ...(raw.alarms?.length ? { alarms: raw.alarms as string[] } : {}),
  };
}

/** A full `deployment` setting: the default policy plus `stages.<stage>` overrides. */
export function parseDeployment(value: unknown, where: string) {
  const base = checkDeploymentSettings(value, where);
  const stages = (value as { stages?: unknown }).stages;
  if (stages === undefined) return base;
  if (typeof stages !== 'object' || stages === null || Array.isArray(stages))
    throw new InvalidInputError(`${where}.stages must map stage names to policies`);
  return {
    ...base,
    stages: Object.fromEntries(
      Object.entries(stages).map(([stage, policy]) => [
        stage,
        checkDeploymentSettings(policy, `${where}.stages.${stage}`),
      ]),
    ),
  };
}

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
