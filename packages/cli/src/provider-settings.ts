// The one path from flags, environment and modelship.config to a provider, for `modelship` and
// every `modelship-<provider>` alike (the order is documented in @modelship/core/provider-kit's
// settings.ts: flag > environment > providers.<name> in the config; `modelship` has no provider flags).
import type { ProviderCliSpec, ProviderV1 } from '@modelship/core';

export interface ProviderSettingsSources {
  /** Parsed wrapper flags by flag name; empty for `modelship`. */
  flags?: Record<string, unknown>;
  env: Record<string, string | undefined>;
  cwd: string;
  /** `providers.<name>` of the config found, and the file's path. */
  config?: { settings: Record<string, unknown>; path: string };
  /** Told the secret values as soon as they are known, before anything can fail with them. */
  onSecrets?: (secrets: string[]) => void;
}

export interface CreatedFromSettings {
  provider: ProviderV1;
  settings: Record<string, unknown>;
}

export async function createProviderFromSettings(
  spec: ProviderCliSpec,
  sources: ProviderSettingsSources,
): Promise<CreatedFromSettings> {
  const kit = await import('@modelship/core/provider-kit');
  const resolved = kit.resolveSettingValues({
    provider: spec.name,
    fields: spec.settings,
    flags: sources.flags,
    env: sources.env,
    config: sources.config,
  });
  sources.onSecrets?.(kit.secretValues(spec.settings, resolved.values));
  const settings = kit.parseSettings(await spec.settingsSchema(), resolved, spec.name);
  const provider = await spec.createProvider(settings, { env: sources.env, cwd: sources.cwd });
  return { provider, settings };
}
