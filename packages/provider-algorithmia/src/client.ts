// The one place that talks to Algorithmia: algorithm management and calls over fetch (builds, logs,
// versions, algorithm details, `/v1/algo`), and the data API through the official npm client.
import { ErrorCode, type ProviderContext, ProviderError, throwIfAborted } from '@modelship/core';
import { providerFetch, safeUrl } from '@modelship/core/provider-kit';
import { z } from 'zod';
import { algorithmiaError } from './errors.js';
import type { AlgorithmiaProviderSettings, ResolvedSettings } from './settings.js';

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

/** Where an unreachable Algorithmia API is reported from (the URL comes from providerFetch). */
const unreachable = (operation: string, fetchImpl: typeof globalThis.fetch) => ({
  provider: 'algorithmia',
  operation,
  service: 'the Algorithmia API',
  hint: 'check apiAddress (ALGORITHMIA_API) and the network',
  fetch: fetchImpl,
});

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
    const response = await providerFetch(
      `${this.settings.apiAddress}${path}`,
      {
        method: init.method ?? 'GET',
        headers: {
          Authorization: `Simple ${this.settings.apiKey}`,
          ...(init.json === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
        signal,
      },
      unreachable(operation, this.fetchImpl),
    );
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

// The data API through the official `algorithmia` npm client (callback style, wrapped in promises).
// HEAD goes through fetch because the client hides response headers, and they carry the ETag.
type Callback = (body: unknown, status: number) => void;

/** The part of the official client this package uses: `client.req(path, method, data, headers, cb)`. */
export interface AlgorithmiaDataClient {
  req(
    path: string,
    method: string,
    data: string | Buffer,
    headers: Record<string, string>,
    callback: Callback,
  ): void;
}

export interface HeadResult {
  exists: boolean;
  kind?: 'file' | 'directory';
  size?: number;
  md5?: string;
}

export async function officialDataClient(apiKey: string, apiAddress: string): Promise<AlgorithmiaDataClient> {
  const moduleName = 'algorithmia';
  const imported = (await import(moduleName)) as {
    default: (key: string, address: string) => AlgorithmiaDataClient;
  };
  return imported.default(apiKey, apiAddress);
}

function errorMessage(body: unknown, status: number): string {
  const error = (body as { error?: { message?: string } } | undefined)?.error;
  return error?.message ?? `HTTP ${status}`;
}

/** The official client reports a socket error as status 500 with the error's message. */
function isNetworkFailure(body: unknown, status: number): boolean {
  return (
    status === 500 &&
    /^(connect |getaddrinfo |read |write )?E[A-Z]{3,}\b|socket hang up/.test(errorMessage(body, status))
  );
}

export class DataApi {
  constructor(
    private readonly client: AlgorithmiaDataClient,
    private readonly settings: ResolvedSettings,
    private readonly fetchImpl: typeof globalThis.fetch,
  ) {}

  private request(
    operation: string,
    path: string,
    method: string,
    data: string | Buffer,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<{ body: unknown; status: number }> {
    throwIfAborted(signal, operation);
    return new Promise((resolve, reject) => {
      this.client.req(`/v1/data/${path}`, method, data, headers, (body, status) => {
        if (status >= 200 && status < 300) resolve({ body, status });
        else if (isNetworkFailure(body, status))
          reject(this.unreachable(operation, path, errorMessage(body, status)));
        else reject(algorithmiaError(operation, `data://${path}`, status, errorMessage(body, status)));
      });
    });
  }

  /** What providerFetch says for an unreachable API, for the official client's requests. */
  private unreachable(operation: string, path: string, why: string): ProviderError {
    const where = safeUrl(`${this.settings.apiAddress}/v1/data/${path}`);
    return new ProviderError(
      `${operation}: cannot reach the Algorithmia API at ${where} (${why}); check apiAddress (ALGORITHMIA_API) and the network`,
      {
        provider: 'algorithmia',
        operation,
        code: ErrorCode.Provider,
        isRetryable: true,
        details: { url: where },
      },
    );
  }

  async head(path: string, signal: AbortSignal): Promise<HeadResult> {
    throwIfAborted(signal, 'data HEAD');
    const response = await providerFetch(
      `${this.settings.apiAddress}/v1/data/${path}`,
      { method: 'HEAD', headers: { Authorization: `Simple ${this.settings.apiKey}` }, signal },
      unreachable('data HEAD', this.fetchImpl),
    );
    if (response.status === 404) return { exists: false };
    if (!response.ok) {
      throw algorithmiaError(
        'data HEAD',
        `data://${path}`,
        response.status,
        response.headers.get('x-error-message') ?? '',
      );
    }
    const kind = response.headers.get('x-data-type');
    const etag = response.headers.get('etag')?.replace(/"/g, '');
    const length = response.headers.get('content-length');
    return {
      exists: true,
      kind: kind === 'directory' ? 'directory' : 'file',
      size: length === null ? undefined : Number(length),
      md5: etag && /^[0-9a-f]{32}$/.test(etag) ? etag : undefined,
    };
  }

  /** GET the directory; POST to its parent to create it when it does not exist. */
  async ensureDirectory(path: string, signal: AbortSignal): Promise<'existed' | 'created'> {
    try {
      await this.request('get collection', path, 'GET', '', {}, signal);
      return 'existed';
    } catch (error) {
      if ((error as { rawCode?: unknown }).rawCode !== 404) throw error;
    }
    const cut = path.lastIndexOf('/');
    const body = JSON.stringify({ name: path.slice(cut + 1) });
    try {
      await this.request(
        'create collection',
        path.slice(0, cut),
        'POST',
        body,
        { 'Content-Type': 'application/json' },
        signal,
      );
    } catch (error) {
      // Someone else created it between our GET and POST.
      if ((error as { rawCode?: unknown }).rawCode !== 409) throw error;
    }
    return 'created';
  }

  async put(path: string, bytes: Buffer, signal: AbortSignal): Promise<void> {
    await this.request('upload', path, 'PUT', bytes, {}, signal);
  }

  async getBytes(path: string, signal: AbortSignal): Promise<Buffer> {
    const { body } = await this.request(
      'download',
      path,
      'GET',
      '', // Accept text/plain makes the official client crash on binary responses (it concatenates strings as Buffers).
      { Accept: 'application/octet-stream' },
      signal,
    );
    if (Buffer.isBuffer(body)) return body;
    return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  }

  async getText(path: string, signal: AbortSignal): Promise<string> {
    return (await this.getBytes(path, signal)).toString('utf8');
  }
}

/** What every verb works with: the settings, both API clients and the call's context. */
export interface AlgorithmiaDeps {
  settings: AlgorithmiaProviderSettings;
  resolved: ResolvedSettings;
  data: DataApi;
  api: ManagementApi;
  context: ProviderContext;
}
