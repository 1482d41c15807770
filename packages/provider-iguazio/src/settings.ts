import type { S3Client } from '@aws-sdk/client-s3';
import { InvalidInputError, type ProviderContext } from '@modelship/core';
import { createMlrunClient, type MlrunClient } from './client.js';

export interface IguazioStageSettings {
  /** MLRun project of this environment (default: the provider's `project`). */
  project?: string;
  /** Serving function deployed for this environment (default `<functionName>-<stage>`). */
  function?: string;
}

export interface IguazioProviderSettings {
  /** MLRun API URL, e.g. `https://mlrun-api.default-tenant.app.example.com`. Env: `MLRUN_DBPATH`. */
  apiUrl?: string;
  /** Iguazio access key (sent as bearer and `X-V3io-Session-Key`). Env: `V3IO_ACCESS_KEY`. */
  accessKey?: string;
  /** Env: `V3IO_USERNAME`. */
  username?: string;
  /** The development project. Env: `MLRUN_DEFAULT_PROJECT`. */
  project?: string;
  fetch?: typeof fetch;
  /** Per environment (`development`, `staging`, `production`, …): project and function names. */
  stages?: Record<string, IguazioStageSettings>;
  /** Base name of the serving functions (default `serving`). */
  functionName?: string;
  /** Serving class of the model route (default `mlrun.frameworks.sklearn.SklearnModelServer`). */
  servingClass?: string;
  /** Where uploaded files go: an S3 bucket (with an injectable client), else they stay where they are. */
  s3?: { bucket: string; prefix?: string; client?: S3Client };
  /** MLRun tag used for each modelship tag, e.g. `{ champion: 'production', challenger: 'candidate' }`. */
  tagNames?: Record<string, string>;
  /** Workflow `train` submits (default `train`). */
  trainWorkflow?: string;
  /** Slack incoming-webhook URL MLRun notifies when workflows end. Env: `SLACK_WEBHOOK_URL`. Secret. */
  slackWebhook?: string;
  pollIntervalMs?: number;
  /** Longest wait for a workflow or a deploy (default 30 minutes). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface ResolvedSettings {
  client: MlrunClient;
  apiUrl: string;
  project: string;
  settings: IguazioProviderSettings;
  pollIntervalMs: number;
  timeoutMs: number;
}

function pick(option: string | undefined, env: NodeJS.ProcessEnv, name: string): string | undefined {
  return option ?? (env[name] || undefined);
}

/** Resolves settings at call time (option → env var → clear error) and registers secrets with the redactor. */
export function resolveSettings(
  settings: IguazioProviderSettings,
  context: ProviderContext,
): ResolvedSettings {
  const env = settings.env ?? process.env;
  const apiUrl = pick(settings.apiUrl, env, 'MLRUN_DBPATH');
  if (!apiUrl)
    throw new InvalidInputError('iguazio: no MLRun API URL; pass apiUrl (--api-url) or set MLRUN_DBPATH');
  const project = pick(settings.project, env, 'MLRUN_DEFAULT_PROJECT');
  if (!project)
    throw new InvalidInputError('iguazio: no project; pass project (--project) or set MLRUN_DEFAULT_PROJECT');
  const accessKey = pick(settings.accessKey, env, 'V3IO_ACCESS_KEY');
  context.redact.add(accessKey);
  context.redact.add(pick(settings.slackWebhook, env, 'SLACK_WEBHOOK_URL'));
  const client = createMlrunClient({
    apiUrl,
    accessKey,
    username: pick(settings.username, env, 'V3IO_USERNAME'),
    fetch: settings.fetch ?? globalThis.fetch,
    context,
  });
  return {
    client,
    apiUrl,
    project,
    settings,
    pollIntervalMs: settings.pollIntervalMs ?? 2_000,
    timeoutMs: settings.timeoutMs ?? 30 * 60_000,
  };
}

export function stageTarget(
  resolved: ResolvedSettings,
  stage: string,
): { project: string; function: string } {
  const stageSettings = resolved.settings.stages?.[stage] ?? {};
  return {
    project: stageSettings.project ?? resolved.project,
    function: stageSettings.function ?? `${resolved.settings.functionName ?? 'serving'}-${stage}`,
  };
}
