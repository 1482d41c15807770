// Provider settings, resolved in one place for `modelship` and every `modelship-<provider>`:
//   1. a flag of the wrapper (`--start-timeout-ms 30000`)          — wrappers only
//   2. the setting's environment variable (`MODELSHIP_LOCAL_ROOT`)
//   3. `providers.<name>.<key>` in modelship.config (the same camelCase key as the schema)
// The first source that has a value wins, key by key; the provider's settingsSchema then
// validates the result. Unknown config keys and secrets in a config file are errors.
import type { ZodType } from 'zod';
import type { SettingFlag, SettingFlags } from '../contract/cli-spec.js';
import { ErrorCode, ModelshipError } from '../contract/errors.js';

/** `startTimeoutMs` → `start-timeout-ms`. */
export function kebabCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** The flag name of a setting, or undefined when it has none. */
export function settingFlagName(key: string, field: SettingFlag): string | undefined {
  return field.flag === false ? undefined : (field.flag ?? kebabCase(key));
}

export interface SettingSources {
  provider: string;
  fields: SettingFlags;
  /** Flag values by flag name, as parsed (wrappers only). */
  flags?: Record<string, unknown>;
  env: Record<string, string | undefined>;
  /** `providers.<name>` of the config file and the file's path. */
  config?: { settings: Record<string, unknown>; path: string };
}

export interface ResolvedSettingValues {
  values: Record<string, unknown>;
  /** Where each value came from, as error messages name it: `--root`, `MODELSHIP_LOCAL_ROOT`, `<file>: providers.local.root`. */
  from: Record<string, string>;
}

function configError(message: string, path: string): ModelshipError {
  return new ModelshipError(ErrorCode.ConfigInvalid, message, { details: { path } });
}

/** Turns a flag or environment string into the setting's type; `where` names the source on failure. */
export function coerceSetting(field: SettingFlag, raw: unknown, where: string): unknown {
  if (typeof raw !== 'string') return raw;
  switch (field.type ?? 'string') {
    case 'number': {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value))
        throw new ModelshipError(ErrorCode.InvalidInput, `${where} is "${raw}", not a number`);
      return value;
    }
    case 'boolean':
      if (/^(1|true|yes)$/i.test(raw)) return true;
      if (/^(0|false|no|)$/i.test(raw)) return false;
      throw new ModelshipError(ErrorCode.InvalidInput, `${where} is "${raw}"; use true or false`);
    case 'json':
      try {
        return JSON.parse(raw);
      } catch {
        throw new ModelshipError(ErrorCode.InvalidInput, `${where} is not valid JSON`);
      }
    case 'list':
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    default:
      return raw;
  }
}

/** Picks each setting's value from flags, then environment, then config (see the file comment). */
export function resolveSettingValues(sources: SettingSources): ResolvedSettingValues {
  const { provider, fields, config } = sources;
  const known = Object.keys(fields);
  if (config) {
    for (const [key, value] of Object.entries(config.settings)) {
      const field = fields[key];
      const where = `${config.path}: providers.${provider}.${key}`;
      if (!field)
        throw configError(
          `${where} is not a ${provider} setting; known: ${known.join(', ')} (keys are camelCase, as in the provider's settingsSchema)`,
          config.path,
        );
      if (field.secret && value !== undefined)
        throw configError(
          `${where} is a secret and must not be in a config file; set ${field.env ?? `--${settingFlagName(key, field)}`} in the environment instead`,
          config.path,
        );
    }
  }
  const values: Record<string, unknown> = {};
  const from: Record<string, string> = {};
  for (const [key, field] of Object.entries(fields)) {
    const flag = settingFlagName(key, field);
    const flagValue = flag === undefined ? undefined : sources.flags?.[flag];
    const envValue = field.env ? sources.env[field.env] : undefined;
    if (flagValue !== undefined) {
      from[key] = `--${flag}`;
      values[key] = coerceSetting(field, flagValue, from[key]);
    } else if (envValue !== undefined && envValue !== '') {
      from[key] = field.env!;
      values[key] = coerceSetting(field, envValue, from[key]);
    } else if (config && config.settings[key] !== undefined) {
      from[key] = `${config.path}: providers.${provider}.${key}`;
      values[key] = config.settings[key];
    }
  }
  return { values, from };
}

/** Validates resolved values with the provider's schema; an error names each setting and its source. */
export function parseSettings<Settings>(
  schema: ZodType<Settings>,
  resolved: ResolvedSettingValues,
  provider: string,
): Settings {
  const parsed = schema.safeParse(resolved.values);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    const where = resolved.from[key] ?? (key ? `${provider} setting ${key}` : `${provider} settings`);
    const rest = issue.path.slice(1).join('.');
    return `${where}${rest ? ` (${rest})` : ''}: ${issue.message}`;
  });
  throw new ModelshipError(ErrorCode.InvalidInput, `invalid ${provider} settings: ${problems.join('; ')}`, {
    details: { provider, issues: problems },
  });
}

/**
 * Settings given in code, checked by the same schema as those from flags or a config file, for a
 * factory. Keys named in `programmatic` (injected clients, the environment to read) are not
 * settings: they pass through unchecked. An undefined value counts as absent.
 */
export function checkGivenSettings<Settings, Given extends object, Key extends keyof Given & string>(
  schema: ZodType<Settings>,
  given: Given,
  programmatic: readonly Key[],
  provider: string,
): Settings & Pick<Given, Key> {
  const values: Record<string, unknown> = {};
  const passed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if ((programmatic as readonly string[]).includes(key)) passed[key] = value;
    else values[key] = value;
  }
  return { ...parseSettings(schema, { values, from: {} }, provider), ...passed } as Settings &
    Pick<Given, Key>;
}

/** resolveSettingValues, then parseSettings: what both CLIs call. */
export function resolveSettings<Settings>(schema: ZodType<Settings>, sources: SettingSources): Settings {
  return parseSettings(schema, resolveSettingValues(sources), sources.provider);
}

/** The values of secret settings (to redact from every output). */
export function secretValues(fields: SettingFlags, values: Record<string, unknown>): string[] {
  return Object.entries(fields)
    .filter(([key, field]) => field.secret && typeof values[key] === 'string')
    .map(([key]) => values[key] as string);
}
