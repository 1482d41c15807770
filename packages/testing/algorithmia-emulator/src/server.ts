// An Algorithmia API emulator on 127.0.0.1: the data API, algorithm builds, compile, versions and
// algorithm calls, with `Authorization: Simple <key>` (or the bare key, as the Python client sends)
// checked on every request. Judged in tests by the official npm and Python clients.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlgorithmRegistry, type AlgorithmRuntime, type EmulatedAlgorithm } from './algorithms.js';
import { DataStore } from './data-store.js';
import { handleAlgorithmRoute } from './routes-algorithms.js';
import { handleDataRoute } from './routes-data.js';

export interface AlgorithmiaEmulatorOptions {
  /** API key → username. */
  apiKeys: Record<string, string>;
  runtime?: AlgorithmRuntime;
}

export interface InjectedFault {
  method?: string;
  pathPrefix: string;
  status: number;
  message?: string;
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
}

export interface AlgorithmiaEmulator {
  url: string;
  data: DataStore;
  requests: RecordedRequest[];
  /** Creates an algorithm backed by a bare git repository at `repoDir` (created if missing). */
  createAlgorithm(
    user: string,
    name: string,
    repoDir: string,
    options?: { buildDelayMs?: number },
  ): Promise<EmulatedAlgorithm>;
  algorithm(user: string, name: string): EmulatedAlgorithm | undefined;
  /** The next matching request(s) fail with `status` (e.g. 429, 500) before reaching the handler. */
  injectFault(fault: InjectedFault): void;
  close(): Promise<void>;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  user: string;
  apiKey: string;
  body: Buffer;
  data: DataStore;
  registry: AlgorithmRegistry;
  baseUrl: string;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  res.setHeader('x-error-message', message.replace(/[^\x20-\x7e]/g, ' '));
  sendJson(res, status, { error: { message } });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => done(Buffer.concat(chunks)));
    req.on('error', fail);
  });
}

function keyFrom(header: string | undefined): string | undefined {
  if (!header) return undefined;
  return header.startsWith('Simple ') ? header.slice('Simple '.length).trim() : header.trim();
}

export async function startAlgorithmiaEmulator(
  options: AlgorithmiaEmulatorOptions,
): Promise<AlgorithmiaEmulator> {
  const workDir = mkdtempSync(join(tmpdir(), 'algorithmia-emulator-'));
  const hookToken = randomBytes(12).toString('hex');
  const data = new DataStore();
  for (const user of Object.values(options.apiKeys)) data.ensureUser(user);
  let baseUrl = '';
  const registry = new AlgorithmRegistry(
    workDir,
    options.runtime ?? {},
    () => `${baseUrl}/__emulator/push/${hookToken}`,
  );
  const faults: InjectedFault[] = [];
  const requests: RecordedRequest[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', baseUrl);
    const method = req.method ?? 'GET';
    res.on('finish', () => requests.push({ method, path: url.pathname, status: res.statusCode }));
    const body = await readBody(req);

    const hookPrefix = `/__emulator/push/${hookToken}/`;
    if (url.pathname.startsWith(hookPrefix) && method === 'POST') {
      const [user = '', name = ''] = url.pathname.slice(hookPrefix.length).split('/');
      const algorithm = registry.get(user, name);
      const ref = url.searchParams.get('ref') ?? '';
      const sha = url.searchParams.get('sha') ?? '';
      if (algorithm && /^refs\/heads\/(master|main)$/.test(ref) && !/^0+$/.test(sha))
        registry.startBuild(algorithm, sha);
      return sendJson(res, 200, { ok: true });
    }

    const apiKey = keyFrom(req.headers.authorization);
    const user = apiKey === undefined ? undefined : options.apiKeys[apiKey];
    if (!apiKey || !user) return sendError(res, 401, 'Authorization required: pass a valid API key');

    const faultIndex = faults.findIndex(
      (fault) => url.pathname.startsWith(fault.pathPrefix) && (!fault.method || fault.method === method),
    );
    const fault = faults[faultIndex];
    if (fault) {
      if (--fault.times! <= 0) faults.splice(faultIndex, 1);
      return sendError(res, fault.status, fault.message ?? `injected fault ${fault.status}`);
    }

    const context: RequestContext = { req, res, url, user, apiKey, body, data, registry, baseUrl };
    if (url.pathname.startsWith('/v1/data/') || url.pathname === '/v1/data') return handleDataRoute(context);
    if (url.pathname.startsWith('/v1/algorithms/') || url.pathname.startsWith('/v1/algo/')) {
      return handleAlgorithmRoute(context);
    }
    return sendError(res, 404, `no route for ${method} ${url.pathname}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, `emulator error: ${(error as Error).message}`);
      else res.end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    data,
    requests,
    createAlgorithm: async (user, name, repoDir, algorithmOptions) => {
      data.ensureUser(user);
      return registry.create(user, name, repoDir, algorithmOptions);
    },
    algorithm: (user, name) => registry.get(user, name),
    injectFault: (fault) => faults.push({ times: 1, ...fault }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
