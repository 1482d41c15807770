import { ErrorCode, InvalidInputError, ModelshipError, type ProviderContext } from '@modelship/core';
import { z } from 'zod';
import { Pachctl, type PachctlConnection, type PachctlSession } from './client.js';

/** How a setting is given on the command line and in the environment (`env`), and whether it is a secret. */
export interface SettingFlag {
  flag?: string;
  env?: string;
  secret?: boolean;
}
const text = (description: string, flag?: SettingFlag) =>
  z
    .string()
    .min(1)
    .optional()
    .describe(description)
    .meta({ ...flag });
const count = (description: string) => z.number().int().positive().optional().describe(description);

export const imageCommandSchema = z.strictObject({
  command: z.string().min(1),
  args: z.array(z.string()),
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
});

/**
 * `providers.pachyderm` in modelship.config and the provider's settings, checked strictly (an unknown
 * key is an error naming it). Each field's `meta()` names its flag and environment variable.
 */
export const settingsSchema = z.strictObject({
  pachctl: text('pachctl executable (default pachctl)', { flag: 'pachctl', env: 'PACHCTL' }),
  pachdAddress: text('pachd address, e.g. grpcs://host:31400', {
    flag: 'pachd-address',
    env: 'PACHD_ADDRESS',
  }),
  context: text('pachctl context to use', { flag: 'pach-context', env: 'PACH_CONTEXT' }),
  configPath: text('pachctl config file', { flag: 'pach-config', env: 'PACH_CONFIG' }),
  authToken: text('Pachyderm auth token (given to pachctl on stdin)', {
    flag: 'auth-token',
    env: 'PACHYDERM_AUTH_TOKEN',
    secret: true,
  }),
  image: text('pipeline image without tag', { flag: 'image', env: 'DOCKER_IMAGE_TAG' }),
  imageTag: text('image tag (default: the git SHA)', { flag: 'image-tag' }),
  gitSha: text('git commit the image is built from, annotated on every pipeline for lineage', {
    flag: 'git-sha',
    env: 'GITHUB_SHA',
  }),
  pipelineSpecs: z
    .array(z.string().min(1))
    .optional()
    .describe('pipeline spec files (env: space separated)')
    .meta({ flag: 'pipeline-spec', env: 'PACHYDERM_PIPELINE_FILES' }),
  modelRepo: text('repo holding models (default: the last pipeline)', { flag: 'model-repo' }),
  dataRepo: text("repo upload commits to (default: the pipelines' input repo)", { flag: 'data-repo' }),
  manifestRepo: text('repo upload keeps manifests in, read by no pipeline (default modelship_manifests)', {
    flag: 'manifest-repo',
  }),
  reprocess: z.boolean().optional().describe('update pipelines with --reprocess').meta({ flag: 'reprocess' }),
  build: z.array(imageCommandSchema).optional().describe('image build/push commands run by train'),
  stageBranches: z.record(z.string(), z.string()).optional().describe('stage → branch of the model repo'),
  env: z.record(z.string(), z.string()).optional().describe('extra environment for every pachctl call'),
  pollIntervalMs: count('job poll interval (default 2 s)'),
  jobTimeoutMs: count('upper bound for one training job (default 1 hour)'),
  commandTimeoutMs: count('upper bound for one pachctl call (default 10 minutes)'),
  environment: z.record(z.string(), z.string().optional()).optional().describe('where fallbacks are read'),
});

// The schema and the documented interface below name the same settings (a compile-time check).
type SchemaKeys = keyof z.output<typeof settingsSchema>;
type SameKeys = [SchemaKeys] extends [keyof PachydermProviderSettings]
  ? [keyof PachydermProviderSettings] extends [SchemaKeys]
    ? true
    : never
  : never;
export const settingsSchemaMatchesSettings: SameKeys = true;

/** A command that builds or pushes the pipeline image; `{image}` in args becomes `<image>:<tag>`. */
export interface ImageCommand {
  command: string;
  args: string[];
  cwd?: string;
  /** Added to the inherited environment (values are never printed). */
  env?: Record<string, string>;
}

export interface PachydermProviderSettings {
  /** The pachctl executable (option → PACHCTL → `pachctl`). */
  pachctl?: string;
  /** pachd's address, e.g. `grpcs://hub.example.com:31400` (option → PACHD_ADDRESS → the pachctl context's). */
  pachdAddress?: string;
  /** The pachctl context to use (option → PACH_CONTEXT → the active one). */
  context?: string;
  /** pachctl config file (option → PACH_CONFIG → ~/.pachyderm/config.json). */
  configPath?: string;
  /** Auth token, handed to `pachctl auth use-auth-token` on stdin (option → PACHYDERM_AUTH_TOKEN). */
  authToken?: string;
  /** Pipeline image without tag, e.g. `acme/housing-prices` (option → DOCKER_IMAGE_TAG, as the Pachyderm action names it). */
  image?: string;
  /** Image tag (train `options.imageTag` → option → the git SHA). */
  imageTag?: string;
  /**
   * The git commit the image is built from (train `options.gitSha` → option → GITHUB_SHA → the image
   * tag when it is a hex SHA). Written into every pipeline spec as the annotation
   * `modelship.dev/git-sha`, so the lineage of any model version — retrains by new data included —
   * reaches the code.
   */
  gitSha?: string;
  /** Pipeline spec files (JSON; one or several objects each) (option → PACHYDERM_PIPELINE_FILES, space separated). */
  pipelineSpecs?: string[];
  /** The repo holding models: default the last pipeline in dependency order. */
  modelRepo?: string;
  /** Where `upload` commits: default the one input repo no pipeline writes. */
  dataRepo?: string;
  /**
   * Where `upload` keeps manifests (default `modelship_manifests`), at `/<repo>/<commit>/modelship.manifest.json`:
   * outside the data repo, so no pipeline glob can make a manifest a datum. No pipeline may read it.
   */
  manifestRepo?: string;
  /** Pass `--reprocess` to `update pipeline` so unchanged datums are retrained too (default false, like the action). */
  reprocess?: boolean;
  /** Build/push commands run by `train` before updating pipelines, e.g. docker build and push; none: skipped. */
  build?: ImageCommand[];
  /** Stage → branch of the model repo (default: the stage name). */
  stageBranches?: Record<string, string>;
  /** Extra environment for every pachctl call. */
  env?: Record<string, string>;
  pollIntervalMs?: number;
  /** Upper bound for one training job (default 1 hour). */
  jobTimeoutMs?: number;
  /** Upper bound for one pachctl call (default 10 minutes). */
  commandTimeoutMs?: number;
  /** Environment to read fallbacks from (default process.env). */
  environment?: Record<string, string | undefined>;
}

export interface ResolvedSettings {
  connection: PachctlConnection;
  settings: PachydermProviderSettings;
  environment: Record<string, string | undefined>;
}

export function resolveSettings(settings: PachydermProviderSettings): ResolvedSettings {
  const environment = settings.environment ?? process.env;
  const pick = (value: string | undefined, name: string) => value ?? (environment[name] || undefined);
  return {
    settings,
    environment,
    connection: {
      command: pick(settings.pachctl, 'PACHCTL') ?? 'pachctl',
      pachdAddress: pick(settings.pachdAddress, 'PACHD_ADDRESS'),
      context: pick(settings.context, 'PACH_CONTEXT'),
      configPath: pick(settings.configPath, 'PACH_CONFIG'),
      authToken: pick(settings.authToken, 'PACHYDERM_AUTH_TOKEN'),
      env: settings.env,
      timeoutMs: settings.commandTimeoutMs ?? 600_000,
    },
  };
}

export function pipelineSpecFiles(resolved: ResolvedSettings): string[] {
  const files =
    resolved.settings.pipelineSpecs ??
    resolved.environment.PACHYDERM_PIPELINE_FILES?.split(/\s+/).filter(Boolean) ??
    [];
  return files;
}

export function requireSetting(value: string | undefined, option: string, env: string, why: string): string {
  if (value) return value;
  throw new InvalidInputError(
    `pachyderm: ${why} needs settings.${option} or the ${env} environment variable; set one`,
    {
      details: { option, env },
    },
  );
}

/** Names must be valid Pachyderm repo/branch names: letters, digits, `_` and `-` (pfs ValidateName). */
export function assertName(value: string, what: string): string {
  if (!/^[a-zA-Z0-9_-]+$/.test(value)) {
    throw new ModelshipError(
      ErrorCode.InvalidInput,
      `pachyderm: ${what} "${value}" is not a valid Pachyderm name; use letters, digits, "_" and "-"`,
      { details: { [what]: value } },
    );
  }
  return value;
}

export function pachctlFor(resolved: ResolvedSettings, context: ProviderContext, session: PachctlSession) {
  if (resolved.connection.authToken) context.redact.add(resolved.connection.authToken);
  return new Pachctl(resolved.connection, context, session);
}
