// Algorithm management and calls over fetch: builds, logs, versions, algorithm details, `/v1/algo`.
import { throwIfAborted } from '@modelship/core';
import { z } from 'zod';
import { algorithmiaError } from './errors.js';
import type { ResolvedSettings } from './settings.js';

// What the API returns: minimal and tolerant, so new upstream fields never break us.
export const buildSchema = z.looseObject({
  build_id: z.string(),
  commit_sha: z.string().nullish(),
  status: z.string(),
  started_at: z.string().nullish(),
  finished_at: z.string().nullish(),
});
export type AlgorithmBuild = z.infer<typeof buildSchema>;

export const versionSchema = z.looseObject({
  details: z.looseObject({ label: z.string().nullish() }).nullish(),
  version_info: z
    .looseObject({ semantic_version: z.string().nullish(), git_hash: z.string().nullish() })
    .nullish(),
});
export type AlgorithmVersion = z.infer<typeof versionSchema>;

export const algorithmSchema = z.looseObject({
  details: z.record(z.string(), z.unknown()).nullish(),
  settings: z.record(z.string(), z.unknown()).nullish(),
});
export type AlgorithmInfo = z.infer<typeof algorithmSchema>;

// What a PUT must carry back. `language` is left out: sending it would make `environment` required.
const UPDATE_SETTINGS = [
  'license',
  'network_access',
  'pipeline_enabled',
  'source_visibility',
  'package_set',
  'environment',
] as const;

const listOf = <T extends z.ZodType>(item: T) => z.looseObject({ results: z.array(item).nullish() });

export class ManagementApi {
  constructor(
    private readonly settings: ResolvedSettings,
    private readonly fetchImpl: typeof globalThis.fetch,
  ) {}

  private get algoPath(): string {
    return `${this.settings.username}/${this.settings.algoName}`;
  }

  async request(
    operation: string,
    path: string,
    signal: AbortSignal,
    init: { method?: string; json?: unknown } = {},
  ) {
    throwIfAborted(signal, operation);
    const response = await this.fetchImpl(`${this.settings.apiAddress}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        Authorization: `Simple ${this.settings.apiKey}`,
        ...(init.json === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
      signal,
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      // Not JSON: keep the text for the error message.
    }
    if (!response.ok) {
      const message =
        (body as { error?: { message?: string } })?.error?.message ??
        (typeof body === 'string' ? body.slice(0, 500) : '');
      throw algorithmiaError(operation, path, response.status, message);
    }
    return body;
  }

  async builds(signal: AbortSignal): Promise<AlgorithmBuild[]> {
    const body = await this.request('list builds', `/v1/algorithms/${this.algoPath}/builds?limit=50`, signal);
    return listOf(buildSchema).parse(body).results ?? [];
  }

  async buildLogs(buildId: string, signal: AbortSignal): Promise<string> {
    const body = await this.request(
      'get build logs',
      `/v1/algorithms/${this.algoPath}/builds/${buildId}/logs`,
      signal,
    );
    return String((body as { logs?: unknown }).logs ?? '');
  }

  async versions(signal: AbortSignal): Promise<AlgorithmVersion[]> {
    const body = await this.request('list versions', `/v1/algorithms/${this.algoPath}/versions`, signal);
    return listOf(versionSchema).parse(body).results ?? [];
  }

  async publish(json: unknown, signal: AbortSignal): Promise<AlgorithmVersion> {
    const body = await this.request('publish version', `/v1/algorithms/${this.algoPath}/versions`, signal, {
      method: 'POST',
      json,
    });
    return versionSchema.parse(body);
  }

  async algorithm(signal: AbortSignal): Promise<AlgorithmInfo> {
    return algorithmSchema.parse(
      await this.request('get algorithm', `/v1/algorithms/${this.algoPath}`, signal),
    );
  }

  /**
   * Merges `details` into the algorithm's. The PUT requires the settings (license, network_access,
   * pipeline_enabled, source_visibility; package_set once set), so they are read first and sent back
   * unchanged.
   */
  async updateDetails(details: Record<string, unknown>, signal: AbortSignal): Promise<void> {
    const current = await this.algorithm(signal);
    const settings = Object.fromEntries(
      UPDATE_SETTINGS.filter((key) => current.settings?.[key] != null).map((key) => [
        key,
        current.settings?.[key],
      ]),
    );
    await this.request('update algorithm', `/v1/algorithms/${this.algoPath}`, signal, {
      method: 'PUT',
      json: { details: { ...current.details, ...details }, settings },
    });
  }

  async call(version: string, input: unknown, signal: AbortSignal): Promise<unknown> {
    const body = await this.request('call algorithm', `/v1/algo/${this.algoPath}/${version}`, signal, {
      method: 'POST',
      json: input,
    });
    const parsed = body as { result?: unknown; error?: { message?: string } };
    if (parsed.error)
      throw algorithmiaError(
        'call algorithm',
        `${this.algoPath}/${version}`,
        400,
        parsed.error.message ?? '',
      );
    return parsed.result;
  }
}
