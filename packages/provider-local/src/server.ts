import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { linearModelFileName, PredictInputError, type Predictor, parsePredictor } from './predictor.js';

export interface InferenceServerOptions {
  /** A stored artifact: the model files plus `modelship.manifest.json`. */
  artifactDir: string;
  model?: string;
  version?: string;
  stage?: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
}

export interface InferenceHealth {
  ok: true;
  model: string | undefined;
  version: string | undefined;
  stage: string | undefined;
  manifestDigest: string;
  provenance: unknown;
  verifiedAt: string;
  files: number;
  predictor: 'linear-regression' | 'none';
}

export interface InferenceServer {
  url: string;
  port: number;
  health: InferenceHealth;
  close(): Promise<void>;
}

const maxBodyBytes = 1 << 20;

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new RangeError(`request body over ${maxBodyBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function predict(
  predictor: Predictor | undefined,
  request: IncomingMessage,
  response: ServerResponse,
  health: InferenceHealth,
) {
  if (!predictor) {
    return send(response, 501, {
      error: 'this model has no model.json of kind linear-regression, so the local server cannot run it',
    });
  }
  let body: { instances?: unknown };
  try {
    body = JSON.parse(await readBody(request));
  } catch (error) {
    const tooLarge = error instanceof RangeError;
    return send(response, tooLarge ? 413 : 400, {
      error: tooLarge ? error.message : 'body must be JSON: {"instances": [{"feature": number, …}]}',
    });
  }
  if (!Array.isArray(body?.instances) || body.instances.length === 0) {
    return send(response, 400, { error: 'body.instances must be a non-empty array of objects or arrays' });
  }
  try {
    const predictions = predictor(body.instances);
    send(response, 200, {
      predictions,
      model: health.model,
      version: health.version,
      manifestDigest: health.manifestDigest,
    });
  } catch (error) {
    if (error instanceof PredictInputError) return send(response, 400, { error: error.message });
    throw error;
  }
}

/**
 * Verifies the artifact against its manifest, and loads the model from the very descriptors that
 * were hashed (openVerified), so a file swapped after the check cannot be loaded; then listens.
 * A mismatch rejects with the manifest package's ModelIntegrityError (expected and actual digests).
 */
export async function startInferenceServer(options: InferenceServerOptions): Promise<InferenceServer> {
  const { openVerified, readManifest } = await import('@modelship/manifest/verify');
  const manifestPath = join(options.artifactDir, 'modelship.manifest.json');
  const loaded = await readManifest(manifestPath);
  const verified = await openVerified({ manifest: manifestPath, strict: true });
  let predictor: Predictor | undefined;
  try {
    const listed = verified.files.some((file) => file.path === linearModelFileName);
    predictor = listed
      ? parsePredictor(
          (await verified.readFile(linearModelFileName)).toString('utf8'),
          join(options.artifactDir, linearModelFileName),
        )
      : undefined;
  } finally {
    await verified.close();
  }
  const report = verified.report;
  const manifest = loaded.manifest as { digest?: { algorithm: string; value: string }; provenance?: unknown };
  const health: InferenceHealth = {
    ok: true,
    model: options.model,
    version: options.version,
    stage: options.stage,
    manifestDigest: manifest.digest ? `${manifest.digest.algorithm}:${manifest.digest.value}` : 'unknown',
    provenance: manifest.provenance ?? null,
    verifiedAt: new Date().toISOString(),
    files: report.files.length,
    predictor: predictor ? 'linear-regression' : 'none',
  };
  const server: Server = createServer((request, response) => {
    const route = `${request.method} ${request.url?.split('?')[0]}`;
    if (route === 'GET /healthz') return send(response, 200, health);
    if (route === 'POST /predict') {
      return void predict(predictor, request, response, health).catch((error: unknown) =>
        send(response, 500, { error: (error as Error).message }),
      );
    }
    send(response, 404, { error: `no route ${route}; use POST /predict or GET /healthz` });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolvePromise());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    health,
    close: () =>
      new Promise<void>((resolvePromise) => {
        server.close(() => resolvePromise());
        server.closeAllConnections();
      }),
  };
}
