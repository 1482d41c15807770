// provider-pachyderm's settings: the one schema that the factory, `modelship-pachyderm` flags and
// help, the environment and `providers.pachyderm` in modelship.config all read (flag metadata:
// ./flags.ts). Programmatic calls also fall back to the environment variables at call time.
import { ErrorCode, InvalidInputError, ModelshipError, type ProviderContext } from '@modelship/core';
import { parseSettings } from '@modelship/core/provider-kit';
import { z } from 'zod';
import { Pachctl, type PachctlConnection, type PachctlSession } from './client.js';

const text = z.string().min(1).optional();
const ms = z.number().int().positive().optional();

/** A command that builds or pushes the pipeline image; `{image}` in args becomes `<image>:<tag>`. */
export const imageCommandSchema = z.strictObject({
  command: z.string().min(1),
  args: z.array(z.string()),
  cwd: z.string().optional(),
  /** Added to the inherited environment (values are never printed). */
  env: z.record(z.string(), z.string()).optional(),
});
export type ImageCommand = z.infer<typeof imageCommandSchema>;

/** `docker build --tag {image} .` → {command, args}: a flag or env value is a command line. */
const commandLine = z.string().transform((line): ImageCommand => {
  const [command = '', ...args] = line.split(/\s+/).filter(Boolean);
  return { command, args };
});

/** Strict: an unknown key is an error naming it. */
export const settingsSchema = z.strictObject({
  /** The pachctl executable (→ PACHCTL → `pachctl`). */
  pachctl: text,
  /** pachd's address, e.g. `grpcs://hub.example.com:31400` (→ PACHD_ADDRESS → the pachctl context's). */
  pachdAddress: text,
  /** The pachctl context to use (→ PACH_CONTEXT → the active one). */
  context: text,
  /** pachctl config file (→ PACH_CONFIG → ~/.pachyderm/config.json). */
  configPath: text,
  /** Auth token, handed to `pachctl auth use-auth-token` on stdin (→ PACHYDERM_AUTH_TOKEN). */
  authToken: text,
  /** Pipeline image without tag, e.g. `acme/housing-prices` (→ DOCKER_IMAGE_TAG, as the Pachyderm action names it). */
  image: text,
  /** Image tag (train `options.imageTag` → this → the git SHA). */
  imageTag: text,
  /**
   * The git commit the image is built from (train `options.gitSha` → this → GITHUB_SHA → the image
   * tag when it is a hex SHA). Written into every pipeline spec as the annotation
   * `modelship.dev/git-sha`, so the lineage of any model version — retrains by new data included —
   * reaches the code.
   */
  gitSha: text,
  /** Pipeline spec files (JSON; one or several objects each); an item may hold several, space separated (PACHYDERM_PIPELINE_FILES). */
  pipelineSpecs: z
    .array(z.string())
    .transform((items) => items.flatMap((item) => item.split(/\s+/)).filter(Boolean))
    .optional(),
  /** The repo holding models: default the last pipeline in dependency order. */
  modelRepo: text,
  /** Where `upload` commits: default the one input repo no pipeline writes. */
  dataRepo: text,
  /**
   * Where `upload` keeps manifests (default `modelship_manifests`), at `/<repo>/<commit>/modelship.manifest.json`:
   * outside the data repo, so no pipeline glob can make a manifest a datum. No pipeline may read it.
   */
  manifestRepo: text,
  /** Pass `--reprocess` to `update pipeline` so unchanged datums are retrained too (default false, like the action). */
  reprocess: z.boolean().optional(),
  /**
   * Build/push commands run by `train` before updating pipelines (none: skipped). A string holds
   * command lines separated by `&&` (`docker build --tag {image} . && docker push {image}`).
   */
  build: z
    .union([
      z.string().transform((lines) => lines.split('&&').map((line) => commandLine.parse(line))),
      z.array(z.union([commandLine, imageCommandSchema])),
    ])
    .optional(),
  /** Stage → branch of the model repo (default: the stage name); or `STAGE=BRANCH` items. */
  stageBranches: z
    .union([
      z.record(z.string(), z.string()),
      z
        .array(z.string().regex(/^[^=]+=.+$/, 'expected STAGE=BRANCH'))
        .transform((items) =>
          Object.fromEntries(
            items.map((item) => [item.slice(0, item.indexOf('=')), item.slice(item.indexOf('=') + 1)]),
          ),
        ),
    ])
    .optional(),
  /** Extra environment for every pachctl call. */
  env: z.record(z.string(), z.string()).optional(),
  pollIntervalMs: ms,
  /** Upper bound for one training job (default 1 hour). */
  jobTimeoutMs: ms,
  /** Upper bound for one pachctl call (default 10 minutes). */
  commandTimeoutMs: ms,
});

export type PachydermProviderSettings = z.input<typeof settingsSchema> & {
  /** Environment to read fallbacks from (default process.env); programmatic only, outside the schema. */
  environment?: Record<string, string | undefined>;
};
export type ParsedSettings = z.output<typeof settingsSchema>;

/** Settings given in code are checked like those from flags or a config file. */
export function checkSettings(settings: PachydermProviderSettings): {
  settings: ParsedSettings;
  environment?: Record<string, string | undefined>;
} {
  const { environment, ...rest } = settings;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  return {
    settings: parseSettings(settingsSchema, { values: defined, from: {} }, 'pachyderm'),
    ...(environment ? { environment } : {}),
  };
}

export interface ResolvedSettings {
  connection: PachctlConnection;
  settings: ParsedSettings;
  environment: Record<string, string | undefined>;
}

/** Checked settings with the environment's fallbacks, read at call time (never in the factory). */
export function resolveSettings(checked: ReturnType<typeof checkSettings>): ResolvedSettings {
  const { settings } = checked;
  const environment = checked.environment ?? process.env;
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
