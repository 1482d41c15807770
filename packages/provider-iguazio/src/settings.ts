import type { S3Client } from '@aws-sdk/client-s3';
import { InvalidInputError, type ProviderContext } from '@modelship/core';
import { checkGivenSettings } from '@modelship/core/provider-kit';
import { z } from 'zod';
import { createMlrunClient, type MlrunClient } from './client.js';
import { checkEnvironments, fromVariable, type IguazioEnvironment } from './environments.js';

export type { IguazioEnvironment } from './environments.js';

/** Per environment (`development`, `staging`, `production`, …): project and function names. */
export const stageSettingsSchema = z.strictObject({
  /** MLRun project of this environment (default: the provider's `project`). */
  project: z.string().min(1).optional(),
  /** Serving function deployed for this environment (default `<functionName>-<stage>`). */
  function: z.string().min(1).optional(),
});
export type IguazioStageSettings = z.input<typeof stageSettingsSchema>;

/**
 * `environments`, checked by checkEnvironments so a credential given as a value is refused naming
 * the `…Env` field to use instead (zod's own "unrecognized key" would not say that).
 */
const environmentsSchema = z.record(z.string(), z.custom<IguazioEnvironment>()).superRefine((value, ctx) => {
  try {
    checkEnvironments(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

/**
 * The provider's settings: the factory, `modelship-iguazio` flags and `--help`, the environment and
 * `providers.iguazio` in modelship.config all read this one schema, with the same camelCase keys
 * (flag names and environment variables: ./flags.ts). An unknown key is an error naming the known ones.
 */
export const settingsSchema = z.strictObject({
  /** MLRun API URL, e.g. `https://mlrun-api.default-tenant.app.example.com`. Env: `MLRUN_DBPATH`. */
  apiUrl: z.string().min(1).optional(),
  /** Iguazio access key (sent as bearer and `X-V3io-Session-Key`). Env: `V3IO_ACCESS_KEY`. Secret. */
  accessKey: z.string().min(1).optional(),
  /** Env: `V3IO_USERNAME`. */
  username: z.string().min(1).optional(),
  /** The development project. Env: `MLRUN_DEFAULT_PROJECT`. */
  project: z.string().min(1).optional(),
  /** Per environment (`development`, `staging`, `production`, …): project and function names. */
  stages: z.record(z.string(), stageSettingsSchema).optional(),
  /**
   * Stages that live on their own MLRun cluster: API URL, project and the *names* of the variables
   * holding credentials. A stage not listed uses the settings above (one environment for all).
   * Promoting into a stage whose environment differs carries the model across.
   */
  environments: environmentsSchema.optional(),
  /** v3io web API of the home environment (model files of v3io:// artifacts are read there). Env: `V3IO_API`. */
  v3ioApi: z.string().min(1).optional(),
  /** Base name of the serving functions (default `serving`). */
  functionName: z.string().min(1).optional(),
  /** Serving class of the model route (default `mlrun.frameworks.sklearn.SklearnModelServer`). */
  servingClass: z.string().min(1).optional(),
  /** Upload model files to this S3 bucket; without one they stay where they are. Env: `MODELSHIP_IGUAZIO_S3_BUCKET`. */
  s3Bucket: z.string().min(1).optional(),
  /** Key prefix in the S3 bucket (default `modelship/`). */
  s3Prefix: z.string().optional(),
  /** MLRun tag used for each modelship tag, e.g. `{ champion: 'production', challenger: 'candidate' }`. */
  tagNames: z.record(z.string(), z.string().min(1)).optional(),
  /** Workflow `train` submits (default `train`). */
  trainWorkflow: z.string().min(1).optional(),
  /**
   * Where MLRun's workflow runner loads the project (and its workflows) from, e.g.
   * `git://github.com/acme/fraud#main`: set on projects modelship creates and sent with `train`
   * (a `source` train option wins). MLRun refuses a workflow run without one.
   */
  projectSource: z.string().min(1).optional(),
  /** Slack incoming-webhook URL MLRun notifies when workflows end. Env: `SLACK_WEBHOOK_URL`. Secret. */
  slackWebhook: z.string().min(1).optional(),
  /** Poll interval of workflows and deploys (default 2 s). */
  pollIntervalMs: z.number().int().positive().optional(),
  /** Longest wait for a workflow or a deploy (default 30 minutes). */
  timeoutMs: z.number().int().positive().optional(),
});

/** The schema's settings plus what only code can pass (injected clients, the environment to read). */
export type IguazioProviderSettings = z.input<typeof settingsSchema> & {
  fetch?: typeof fetch;
  /** S3 client for uploads to `s3Bucket` (default: one from the AWS SDK's default chain). */
  s3Client?: S3Client;
  /** Where environment fallbacks are read (default process.env). */
  env?: NodeJS.ProcessEnv;
};

/** Settings given in code are checked like those from flags or a config file; injectables pass through. */
export function checkSettings(given: IguazioProviderSettings): IguazioProviderSettings {
  return checkGivenSettings(settingsSchema, given, ['fetch', 's3Client', 'env'], 'iguazio');
}

/** One MLRun cluster as the provider talks to it. */
export interface MlrunEnvironment {
  /** `home` for the settings' own API, else the stage whose `environments` entry this is. */
  name: string;
  apiUrl: string;
  project: string;
  client: MlrunClient;
  accessKey?: string;
  v3ioApi?: string;
}

export interface ResolvedSettings {
  client: MlrunClient;
  apiUrl: string;
  project: string;
  settings: IguazioProviderSettings;
  /** Where uploads put model files, when `s3Bucket` is set. */
  s3?: { bucket: string; prefix?: string; client?: S3Client };
  pollIntervalMs: number;
  timeoutMs: number;
  /** Where uploads, training and exports happen. */
  home: MlrunEnvironment;
  /** The environment of a stage: its `environments` entry, else home. Resolved on first use. */
  environment(stage: string): MlrunEnvironment;
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
  const environments = checkEnvironments(settings.environments);
  const s3Bucket = pick(settings.s3Bucket, env, 'MODELSHIP_IGUAZIO_S3_BUCKET');
  const fetcher = settings.fetch ?? globalThis.fetch;
  const client = createMlrunClient({
    apiUrl,
    accessKey,
    username: pick(settings.username, env, 'V3IO_USERNAME'),
    fetch: fetcher,
    context,
  });
  const home: MlrunEnvironment = {
    name: 'home',
    apiUrl,
    project,
    client,
    accessKey,
    v3ioApi: pick(settings.v3ioApi, env, 'V3IO_API'),
  };
  const resolvedEnvironments = new Map<string, MlrunEnvironment>();
  const environment = (stage: string): MlrunEnvironment => {
    const entry = environments[stage];
    if (!entry) return home;
    const known = resolvedEnvironments.get(stage);
    if (known) return known;
    const at = `environments.${stage}`;
    const stageApiUrl = fromVariable(entry.apiUrl, entry.apiUrlEnv, env, `${at}.apiUrl`);
    if (!stageApiUrl)
      throw new InvalidInputError(
        `${at}: no MLRun API URL; set ${at}.apiUrl, or ${at}.apiUrlEnv naming the variable that holds it`,
      );
    // Never the home key: a development credential must not be sent to another cluster.
    const stageKey = fromVariable(undefined, entry.accessKeyEnv, env, `${at}.accessKey`);
    context.redact.add(stageKey);
    const resolvedEnvironment: MlrunEnvironment = {
      name: stage,
      apiUrl: stageApiUrl,
      project: entry.project ?? settings.stages?.[stage]?.project ?? project,
      client: createMlrunClient({
        apiUrl: stageApiUrl,
        accessKey: stageKey,
        username: fromVariable(undefined, entry.usernameEnv, env, `${at}.username`),
        fetch: fetcher,
        context,
      }),
      accessKey: stageKey,
      v3ioApi: fromVariable(entry.v3ioApi, entry.v3ioApiEnv, env, `${at}.v3ioApi`),
    };
    resolvedEnvironments.set(stage, resolvedEnvironment);
    return resolvedEnvironment;
  };
  return {
    client,
    apiUrl,
    project,
    settings,
    s3: s3Bucket ? { bucket: s3Bucket, prefix: settings.s3Prefix, client: settings.s3Client } : undefined,
    pollIntervalMs: settings.pollIntervalMs ?? 2_000,
    timeoutMs: settings.timeoutMs ?? 30 * 60_000,
    home,
    environment,
  };
}

/**
 * Where the version of `refs` lives: the environment its `environment` ref names (the refs of a
 * deploy into another stage), else home, where upload and train register versions.
 */
export function sourceEnvironment(
  resolved: ResolvedSettings,
  refs: Record<string, string>,
): MlrunEnvironment {
  const named = refs.environment;
  return named && named !== 'home' && resolved.settings.environments?.[named]
    ? resolved.environment(named)
    : resolved.home;
}

/** True when two environments are different MLRun clusters, so a model must be carried between them. */
export function separateEnvironments(a: MlrunEnvironment, b: MlrunEnvironment): boolean {
  const base = (url: string) => url.replace(/\/+$/, '');
  return base(a.apiUrl) !== base(b.apiUrl);
}

/** Where a stage's serving function lives: its environment, the project there and the function name. */
export function stageTarget(
  resolved: ResolvedSettings,
  stage: string,
): { project: string; function: string; environment: MlrunEnvironment } {
  const stageSettings = resolved.settings.stages?.[stage] ?? {};
  const environment = resolved.environment(stage);
  return {
    project:
      environment === resolved.home ? (stageSettings.project ?? resolved.project) : environment.project,
    function: stageSettings.function ?? `${resolved.settings.functionName ?? 'serving'}-${stage}`,
    environment,
  };
}
