import { ErrorCode, InvalidInputError, ModelshipError, type ProviderContext } from '@modelship/core';
import { Pachctl, type PachctlConnection, type PachctlSession } from './pachctl.js';

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
