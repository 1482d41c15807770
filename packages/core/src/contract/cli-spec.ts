// What a provider package exports from its `./cli` subpath so that `modelship-<name>` can preselect
// it. Everything here is types or plain data: a wrapper's `--help` reads it without loading zod.
import type { ZodType } from 'zod';
import type { ProviderContext, ProviderV1 } from './provider.js';

/**
 * How one setting of a provider appears outside code: as a flag of `modelship-<name>`, as an
 * environment variable, as the key of the same name under `providers.<name>` in modelship.config.
 */
export interface SettingFlag {
  /** How a flag or environment string becomes the value (config values keep their YAML/JSON type); default `string`. */
  type?: 'string' | 'number' | 'boolean' | 'json' | 'list';
  description: string;
  /** Environment variable read when the flag is absent (e.g. `ALGORITHMIA_API_KEY`). */
  env?: string;
  /** A secret: refused in a config file, never printed, redacted everywhere. Give it an `env`. */
  secret?: boolean;
  /** Flag name; default the setting key in kebab-case (`startTimeoutMs` → `--start-timeout-ms`). `false`: no flag. */
  flag?: string | false;
  short?: string;
}

/** Flag metadata by setting key: the keys are exactly the keys of the provider's `settingsSchema`. */
export type SettingFlags<Key extends string = string> = Record<Key, SettingFlag>;

/** One flag of a provider command (e.g. `export --model-uri`), in `node:util` parseArgs terms plus help. */
export interface ProviderCliOption {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  description: string;
  /** Environment variable named in `--help` (settings' flags carry theirs). */
  env?: string;
  /** The value is a secret: never printed, redacted everywhere. */
  secret?: boolean;
}

export interface ProviderCliCommandArgs {
  provider: ProviderV1;
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
  /** The provider's settings as resolved from flags, environment and config. */
  settings?: Record<string, unknown>;
  context: ProviderContext;
}

export interface ProviderCliCommand {
  description: string;
  usage?: string;
  /** Flags of this command only (e.g. `export --model-uri U --yes`); they join the parser and `--help`. */
  options?: Record<string, ProviderCliOption>;
  /** The result is printed as JSON with --json, or as a short summary otherwise. */
  run(args: ProviderCliCommandArgs): Promise<unknown>;
}

interface ProviderCliSpecBase {
  name: string;
  summary: string;
  /**
   * The provider's own verbs on top of the generic `upload`, `train`, `tag`, `deploy`, `status`
   * (e.g. `select`, `publish`, `lineage`, `export`).
   */
  commands?: Record<string, ProviderCliCommand>;
}

/** Where the provider is created: the environment and working directory of the command. */
export interface ProviderCliEnvironment {
  env: Record<string, string | undefined>;
  cwd: string;
}

/**
 * What `@modelship/provider-<name>/cli` exports as `cliSpec`: flags, `--help`, environment variables
 * and `providers.<name>` all come from one settings schema. `settings` is plain data (for help); the
 * schema loads only to resolve.
 */
export interface ProviderCliSpec<Settings = Record<string, unknown>> extends ProviderCliSpecBase {
  settings: SettingFlags;
  /** The provider's `settingsSchema`, imported lazily so `--help` never loads zod. */
  settingsSchema(): Promise<ZodType<Settings>>;
  createProvider(settings: Settings, where: ProviderCliEnvironment): ProviderV1 | Promise<ProviderV1>;
}
