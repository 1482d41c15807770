import { AbortedError, InvalidInputError, type ProviderContext } from '@modelship/core';
import { providerFetch } from '@modelship/core/provider-kit';
import { mlrunError } from './errors.js';
import type { StoredArtifact } from './upload.js';

export interface MlrunClientOptions {
  apiUrl: string;
  accessKey?: string;
  username?: string;
  fetch: typeof fetch;
  context: ProviderContext;
}

export interface MlrunResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

export interface MlrunRequest {
  method?: string;
  /** Below `/api/`, e.g. `v1/projects/p` or `v2/projects/p/artifacts/k`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  /** Statuses returned to the caller instead of thrown (e.g. 404 for get-or-create). */
  allow?: number[];
  /** Names the thing in error messages, e.g. `artifact p/model:champion`. */
  what: string;
  operation: string;
}

export type MlrunClient = <T = unknown>(request: MlrunRequest) => Promise<MlrunResponse<T>>;

/**
 * A thin `fetch` wrapper for the MLRun REST API. Sends the access key the way an Iguazio
 * gateway accepts it (bearer token and `X-V3io-Session-Key`), the user as `X-Remote-User`.
 */
export function createMlrunClient(options: MlrunClientOptions): MlrunClient {
  const base = options.apiUrl.replace(/\/+$/, '');
  if (!/^https?:\/\//.test(base))
    throw new InvalidInputError(
      `apiUrl "${base}" must be an http(s) URL of the MLRun API, e.g. http://mlrun-api:8080`,
    );
  return async <T>(request: MlrunRequest): Promise<MlrunResponse<T>> => {
    const { context } = options;
    if (context.signal.aborted) throw new AbortedError(request.operation, { cause: context.signal.reason });
    const url = new URL(`${base}/api/${request.path}`);
    for (const [name, value] of Object.entries(request.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.accessKey) {
      headers.authorization = `Bearer ${options.accessKey}`;
      headers['x-v3io-session-key'] = options.accessKey;
    }
    if (options.username) headers['x-remote-user'] = options.username;
    if (request.json !== undefined) headers['content-type'] = 'application/json';
    const method = request.method ?? 'GET';
    context.logger.debug(`${method} ${url.pathname}${url.search}`);
    const response = await providerFetch(
      url,
      {
        method,
        headers,
        body: request.json === undefined ? undefined : JSON.stringify(request.json),
        signal: context.signal,
      },
      {
        provider: 'iguazio',
        operation: request.operation,
        service: 'the MLRun API',
        hint: `needed for ${request.what}; check apiUrl (MLRUN_DBPATH) and the network`,
        fetch: options.fetch,
      },
    );
    const text = await response.text();
    let body: unknown = text;
    if (text && (response.headers.get('content-type') ?? '').includes('json')) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (!response.ok && !request.allow?.includes(response.status))
      throw mlrunError(request.operation, request.what, response.status, body);
    return { status: response.status, body: body as T, headers: response.headers };
  };
}

/** `GET /api/v2/projects/{p}/artifacts`, following `pagination.page-token` to the last page. */
export async function listArtifacts(
  client: MlrunClient,
  project: string,
  query: Record<string, string>,
  operation: string,
): Promise<StoredArtifact[]> {
  const all: StoredArtifact[] = [];
  let token: string | undefined;
  do {
    const page = await client<{
      artifacts?: StoredArtifact[];
      pagination?: { 'page-token'?: string | null };
    }>({
      path: `v2/projects/${project}/artifacts`,
      query: token ? { 'page-token': token } : query,
      what: `artifacts of ${project}`,
      operation,
    });
    all.push(...(page.body.artifacts ?? []));
    token = page.body.pagination?.['page-token'] ?? undefined;
  } while (token);
  return all;
}
