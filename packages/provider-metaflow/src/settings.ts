// provider-metaflow's settings: the one schema that the factory, `modelship-metaflow` flags and help,
// the environment and `providers.metaflow` in modelship.config all read (flag metadata: ./flags.ts),
// and the helpers that read a setting the way Metaflow does (option, command environment, process
// environment) at call time.
import type { S3Client } from '@aws-sdk/client-s3';
import { InvalidInputError } from '@modelship/core';
import { parseSettings } from '@modelship/core/provider-kit';
import { z } from 'zod';

/** `STAGE=TAG` items (flags, environment) → a record; a config file may write the record itself. */
const stageTagsSchema = z
  .union([z.record(z.string(), z.string().min(1)), z.array(z.string())])
  .transform((value, ctx) => {
    if (!Array.isArray(value)) return value;
    const tags: Record<string, string> = {};
    for (const item of value) {
      const at = item.indexOf('=');
      if (at <= 0 || at === item.length - 1) {
        ctx.addIssue({
          code: 'custom',
          message: `"${item}" is not STAGE=TAG, e.g. staging=deployment_candidate`,
        });
        return z.NEVER;
      }
      tags[item.slice(0, at)] = item.slice(at + 1);
    }
    return tags;
  });

const text = z.string().min(1).optional();
const ms = z.number().int().positive().optional();

/**
 * The provider's settings: the factory, `modelship-metaflow` flags and `--help`, the environment
 * and `providers.metaflow` in modelship.config all read this one schema, with the same camelCase
 * keys (flag names and environment variables: ./flags.ts). An unknown key is an error naming it.
 */
export const settingsSchema = z.strictObject({
  /** The Python that has Metaflow installed (default `python3`). Env: MODELSHIP_METAFLOW_PYTHON. */
  python: text,
  /** Directory holding the flow files; relative flow paths resolve against it (default: process cwd). */
  cwd: text,
  /** Extra environment for every Metaflow command (e.g. METAFLOW_DEFAULT_DATASTORE). */
  env: z.record(z.string(), z.string().optional()).optional(),
  /** Client namespace for lookups (`user:alice`, `production:…`); default: every namespace. */
  namespace: text,
  /** Metaflow metadata service; when set, tags change through its `tag/mutate` endpoint. Env: METAFLOW_SERVICE_URL. */
  metadataServiceUrl: text,
  /** Sent as `x-api-key` to the metadata service. Env: METAFLOW_SERVICE_AUTH_KEY. */
  apiKey: text,
  /**
   * Extra headers for the metadata service, e.g. an Outerbounds service principal's. Env:
   * METAFLOW_SERVICE_HEADERS (a JSON object, as Metaflow reads it). Values are treated as secrets.
   */
  serviceHeaders: z.record(z.string(), z.string()).optional(),
  /** How long a metadata service request may take before it is reported unreachable (default 10 s). */
  serviceTimeoutMs: ms,
  /**
   * Production token for `--production argo-workflows create --authorize <token>`, needed when
   * someone else deployed the flow before. Env: MODELSHIP_METAFLOW_PRODUCTION_TOKEN.
   */
  productionToken: text,
  /** METAFLOW_USER for the commands (Metaflow refuses to run as root without it). Env: METAFLOW_USER. */
  user: text,
  /** Flow file `train` runs when the call names none (e.g. `evaluate_new_model_flow.py`). */
  trainFlow: text,
  /** Flow file deployed to production stages (e.g. `predict_flow.py`). */
  deployFlow: text,
  /** Artifact holding the run's metrics: a dict of numbers, or one number (default `eval_metrics`). */
  metricsArtifact: text,
  /** Artifact holding where the model is (a path or URI); `select` requires it when set. */
  modelArtifact: text,
  /** Run tag per stage (default staging → `deployment_candidate`, production → `production`). */
  stageTags: stageTagsSchema.optional(),
  /** Stages whose deploy also (re)creates the deploy flow on Argo Workflows (default `production`). */
  argoStages: z.array(z.string().min(1)).optional(),
  /** Parameter of the deploy flow that receives the upstream run (default `upstream-run-id`). */
  upstreamRunParameter: text,
  /** `--datastore` for `argo-workflows create` (Argo needs `s3`; default: Metaflow's default). */
  deployDatastore: text,
  /** Pass `--production` (the flow uses @project) when deploying to Argo (default true). */
  production: z.boolean().optional(),
  /** With `onlyJson`, write each rendered WorkflowTemplate here as `<name>.json`. */
  templateDir: text,
  /** Only render the Argo WorkflowTemplate (`--only-json`): no cluster is touched, nothing is triggered. */
  onlyJson: z.boolean().optional(),
  /** Add `--with card` to training runs (default true). */
  withCard: z.boolean().optional(),
  /** Where `upload` puts models: `s3://bucket/prefix` (default `$METAFLOW_DATASTORE_SYSROOT_S3/modelship`). */
  s3Root: text,
  /** S3 endpoint (default METAFLOW_S3_ENDPOINT_URL, then AWS's). */
  s3Endpoint: text,
  /** Upper bound for one Metaflow command (default 1 hour). */
  timeoutMs: ms,
});

/** The schema's settings plus what only code can pass (injected clients, the environment to read). */
export type MetaflowProviderSettings = z.input<typeof settingsSchema> & {
  s3Client?: S3Client;
  fetch?: typeof globalThis.fetch;
  /** Environment read for fallbacks (default process.env). */
  processEnv?: NodeJS.ProcessEnv;
};

/** Settings after the schema: what the verbs read. */
export type ParsedSettings = z.output<typeof settingsSchema> & {
  s3Client?: S3Client;
  fetch?: typeof globalThis.fetch;
};

/** Settings given in code are checked like those from flags or a config file; injectables pass through. */
export function checkSettings(given: MetaflowProviderSettings): {
  settings: ParsedSettings;
  processEnv?: NodeJS.ProcessEnv;
} {
  const { s3Client, fetch: fetcher, processEnv, ...rest } = given;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  return {
    settings: {
      ...parseSettings(settingsSchema, { values: defined, from: {} }, 'metaflow'),
      ...(s3Client ? { s3Client } : {}),
      ...(fetcher ? { fetch: fetcher } : {}),
    },
    ...(processEnv ? { processEnv } : {}),
  };
}

export const defaultStageTags: Readonly<Record<string, string>> = {
  staging: 'deployment_candidate',
  production: 'production',
};

export interface ResolvedSettings {
  python: string;
  cwd: string;
  namespace: string | undefined;
  metricsArtifact: string;
  modelArtifact: string | undefined;
  stageTags: Record<string, string>;
  argoStages: readonly string[];
  upstreamRunParameter: string;
  withCard: boolean;
  onlyJson: boolean;
  timeoutMs: number;
  raw: ParsedSettings;
  env: NodeJS.ProcessEnv;
}

/** Defaults filled in; environment fallbacks stay lazy (read at call time through `setting`). */
export function resolveSettings(checked: ReturnType<typeof checkSettings>): ResolvedSettings {
  const { settings } = checked;
  return {
    python: settings.python ?? 'python3',
    cwd: settings.cwd ?? process.cwd(),
    namespace: settings.namespace,
    metricsArtifact: settings.metricsArtifact ?? 'eval_metrics',
    modelArtifact: settings.modelArtifact,
    stageTags: { ...defaultStageTags, ...settings.stageTags },
    argoStages: settings.argoStages ?? ['production'],
    upstreamRunParameter: settings.upstreamRunParameter ?? 'upstream-run-id',
    withCard: settings.withCard ?? true,
    onlyJson: settings.onlyJson ?? false,
    timeoutMs: settings.timeoutMs ?? 3_600_000,
    raw: settings,
    env: checked.processEnv ?? process.env,
  };
}

/** Option first, then the command environment, then the process environment. */
export function setting(
  resolved: ResolvedSettings,
  option: string | undefined,
  variable: string,
): string | undefined {
  return option ?? resolved.raw.env?.[variable] ?? resolved.env[variable];
}

/** Every secret a Metaflow command or request may carry, for redaction. */
export function metaflowSecrets(resolved: ResolvedSettings): string[] {
  const env = metaflowEnv(resolved);
  const headers = Object.values(parseHeaders(setting(resolved, undefined, 'METAFLOW_SERVICE_HEADERS')) ?? {});
  return [
    env.METAFLOW_SERVICE_AUTH_KEY,
    setting(resolved, resolved.raw.productionToken, 'MODELSHIP_METAFLOW_PRODUCTION_TOKEN'),
    ...Object.values(resolved.raw.serviceHeaders ?? {}),
    ...headers,
  ].filter((value): value is string => typeof value === 'string' && value.length >= 4);
}

/** METAFLOW_SERVICE_HEADERS as Metaflow reads it: a JSON object of header → value. */
export function parseHeaders(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new InvalidInputError(
      'METAFLOW_SERVICE_HEADERS must be a JSON object of header names to values, e.g. {"x-api-key": "…"}',
    );
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, String(v)]));
}

/** What Metaflow commands see besides the inherited environment; secrets stay out of argv. */
export function metaflowEnv(resolved: ResolvedSettings): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...resolved.raw.env };
  const user = setting(resolved, resolved.raw.user, 'METAFLOW_USER');
  if (user) env.METAFLOW_USER = user;
  const service = setting(resolved, resolved.raw.metadataServiceUrl, 'METAFLOW_SERVICE_URL');
  if (service) {
    env.METAFLOW_SERVICE_URL = service;
    env.METAFLOW_DEFAULT_METADATA ??= 'service';
  }
  const apiKey = setting(resolved, resolved.raw.apiKey, 'METAFLOW_SERVICE_AUTH_KEY');
  if (apiKey) env.METAFLOW_SERVICE_AUTH_KEY = apiKey;
  return env;
}

export function requireFlowFile(file: string | undefined, what: string, option: string): string {
  if (!file)
    throw new InvalidInputError(
      `${what} needs a flow file: pass ${option} or set the provider setting ${option === 'options.flow' ? 'trainFlow' : 'deployFlow'}`,
    );
  return file;
}
