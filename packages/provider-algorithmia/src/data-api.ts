// The data API through the official `algorithmia` npm client (callback style, wrapped in promises).
// HEAD goes through fetch because the client hides response headers, and they carry the ETag.
import { throwIfAborted } from '@modelship/core';
import { algorithmiaError } from './errors.js';
import type { ResolvedSettings } from './settings.js';

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
        else reject(algorithmiaError(operation, `data://${path}`, status, errorMessage(body, status)));
      });
    });
  }

  async head(path: string, signal: AbortSignal): Promise<HeadResult> {
    throwIfAborted(signal, 'data HEAD');
    const response = await this.fetchImpl(`${this.settings.apiAddress}/v1/data/${path}`, {
      method: 'HEAD',
      headers: { Authorization: `Simple ${this.settings.apiKey}` },
      signal,
    });
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
