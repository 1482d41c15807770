// The metadata service as modelship reaches it: where it is and which headers it wants, from the
// same places Metaflow itself looks (option, environment, then the Metaflow config file that
// `outerbounds configure` / `outerbounds service-principal-configure` writes).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ProviderContext } from '@modelship/core';
import { unreachable } from './errors.js';
import { parseHeaders, type ResolvedSettings, setting } from './settings.js';

export interface MetadataService {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** `$METAFLOW_HOME/config[_<METAFLOW_PROFILE>].json`, or nothing. */
function metaflowConfigFile(settings: ResolvedSettings): Record<string, unknown> {
  const home = setting(settings, undefined, 'METAFLOW_HOME') ?? join(homedir(), '.metaflowconfig');
  const profile = setting(settings, undefined, 'METAFLOW_PROFILE');
  try {
    return JSON.parse(readFileSync(join(home, profile ? `config_${profile}.json` : 'config.json'), 'utf8'));
  } catch {
    return {};
  }
}

/** A setting as Metaflow resolves it: option, environment, then its config file. */
function metaflowSetting(
  settings: ResolvedSettings,
  option: string | undefined,
  name: string,
  file: () => Record<string, unknown>,
): string | undefined {
  const value = setting(settings, option, name) ?? file()[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function metadataService(settings: ResolvedSettings): MetadataService | undefined {
  let cached: Record<string, unknown> | undefined;
  const file = () => (cached ??= metaflowConfigFile(settings));
  const url = metaflowSetting(settings, settings.raw.metadataServiceUrl, 'METAFLOW_SERVICE_URL', file);
  if (!url) return undefined;
  const fromFile = file().METAFLOW_SERVICE_HEADERS;
  const headers = {
    ...parseHeaders(
      setting(settings, undefined, 'METAFLOW_SERVICE_HEADERS') ??
        (typeof fromFile === 'string' ? fromFile : fromFile ? JSON.stringify(fromFile) : undefined),
    ),
    ...settings.raw.serviceHeaders,
  };
  const apiKey = metaflowSetting(settings, settings.raw.apiKey, 'METAFLOW_SERVICE_AUTH_KEY', file);
  if (apiKey) headers['x-api-key'] = apiKey;
  return { url: url.replace(/\/+$/, ''), headers, timeoutMs: settings.raw.serviceTimeoutMs ?? 10_000 };
}

/** One request to the service, bounded by its timeout and the caller's signal. */
export async function serviceFetch(
  settings: ResolvedSettings,
  service: MetadataService,
  path: string,
  init: RequestInit,
  operation: string,
  context: ProviderContext,
): Promise<Response> {
  const fetch = settings.raw.fetch ?? globalThis.fetch;
  for (const value of Object.values(service.headers)) context.redact.add(value);
  const signal = AbortSignal.any([context.signal, AbortSignal.timeout(service.timeoutMs)]);
  try {
    return await fetch(`${service.url}${path}`, {
      ...init,
      headers: { ...service.headers, ...(init.headers as Record<string, string> | undefined) },
      signal,
    });
  } catch (error) {
    if (context.signal.aborted) throw error;
    throw unreachable(service, operation, error);
  }
}

const reached = new WeakSet<ResolvedSettings>();

/**
 * Before the first Python call that talks to the service: Metaflow would retry an unreachable one
 * for half a minute and end in a traceback; one request here says which URL and how long instead.
 */
export async function checkMetadataService(
  settings: ResolvedSettings,
  operation: string,
  context: ProviderContext,
): Promise<void> {
  if (reached.has(settings)) return;
  const service = metadataService(settings);
  if (service) {
    const response = await serviceFetch(settings, service, '/ping', { method: 'GET' }, operation, context);
    await response.body?.cancel();
  }
  reached.add(settings);
}
