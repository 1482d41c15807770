import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortedError, ProviderError } from '../../src/contract/errors.js';
import { providerFetch, safeUrl } from '../../src/provider-kit/fetch.js';
import { closedPort } from '../helpers/http.js';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/slow') return; // never answers
    response.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const options = {
  provider: 'algorithmia',
  operation: 'list builds',
  service: 'the Algorithmia API',
  hint: 'check apiAddress (ALGORITHMIA_API) and the network',
};

describe('providerFetch', () => {
  it('names the operation, the URL without query or credentials, and why, for an unreachable server', async () => {
    const port = await closedPort();
    const error = await providerFetch(
      `http://127.0.0.1:${port}/v1/algorithms/u/a/builds?token=s3cret#x`,
      {},
      options,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toBe(
      `list builds: cannot reach the Algorithmia API at http://127.0.0.1:${port}/v1/algorithms/u/a/builds (connect ECONNREFUSED 127.0.0.1:${port}); check apiAddress (ALGORITHMIA_API) and the network`,
    );
    expect(error).toMatchObject({
      code: 'provider_error',
      isRetryable: true,
      provider: 'algorithmia',
      operation: 'list builds',
      rawCode: 'ECONNREFUSED',
      details: { url: `http://127.0.0.1:${port}/v1/algorithms/u/a/builds` },
    });
    expect(JSON.stringify(error)).not.toContain('s3cret');
  });

  it('never repeats credentials a URL carried', async () => {
    const error = await providerFetch('http://user:s3cret@127.0.0.1:1/x?token=s3cret', {}, options).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain('cannot reach the Algorithmia API at http://127.0.0.1:1/x');
    expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.toContain(
      's3cret',
    );
  });

  it('returns HTTP error statuses as responses: they are the caller to read', async () => {
    const response = await providerFetch(`${base}/anything`, {}, options);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('boom');
  });

  it('a timeout says so; an abort by the caller is an AbortedError', async () => {
    const timedOut = await providerFetch(`${base}/slow`, { signal: AbortSignal.timeout(100) }, options).catch(
      (e: unknown) => e,
    );
    expect((timedOut as Error).message).toBe(
      `list builds: cannot reach the Algorithmia API at ${base}/slow (no answer in time); check apiAddress (ALGORITHMIA_API) and the network`,
    );
    const controller = new AbortController();
    const aborted = providerFetch(`${base}/slow`, { signal: controller.signal }, options);
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortedError);
  });

  it('safeUrl keeps scheme, host and path only', () => {
    expect(safeUrl('https://k:v@api.example.com:8443/a/b?x=1#f')).toBe('https://api.example.com:8443/a/b');
    expect(safeUrl('not a url?token=1')).toBe('not a url');
  });
});
