import type { ProviderContext, ProviderV1 } from './provider.js';

/** One option of a provider wrapper CLI, in `node:util` parseArgs terms plus help and env fallback. */
export interface ProviderCliOption {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  description: string;
  /** Environment variable read when the flag is absent (e.g. `ALGORITHMIA_API_KEY`). */
  env?: string;
  /** The value is a secret: never printed, redacted everywhere. */
  secret?: boolean;
}

export interface ProviderCliCommandArgs {
  provider: ProviderV1;
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
  context: ProviderContext;
}

export interface ProviderCliCommand {
  description: string;
  usage?: string;
  /** The result is printed as JSON with --json, or as a short summary otherwise. */
  run(args: ProviderCliCommandArgs): Promise<unknown>;
}

/**
 * What a provider package exports from its `./cli` subpath so that `modelship-<name>` can preselect it.
 * The generic wrapper in `@modelship/cli` supplies the verbs `upload`, `train`, `tag`, `deploy`, `status`;
 * `commands` adds the provider's own extras (e.g. `select`, `publish`, `lineage`, `export`).
 */
export interface ProviderCliSpec {
  name: string;
  summary: string;
  options: Record<string, ProviderCliOption>;
  create(
    values: Record<string, string | boolean | string[] | undefined>,
    env: NodeJS.ProcessEnv,
  ): ProviderV1 | Promise<ProviderV1>;
  commands?: Record<string, ProviderCliCommand>;
}
