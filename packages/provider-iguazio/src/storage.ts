// Reads and writes model files where MLRun artifacts point (`spec.target_path`): the v3io data
// containers of an Iguazio cluster through its web API, S3, or a local directory.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, InvalidInputError, type ProviderContext, ProviderError } from '@modelship/core';
import type { MlrunEnvironment, ResolvedSettings } from './settings.js';

function joinUrl(base: string, file: string): string {
  return `${base.replace(/\/+$/, '')}/${file}`;
}

function where(environment: MlrunEnvironment): string {
  return environment.name === 'home' ? 'v3ioApi (or V3IO_API)' : `environments.${environment.name}.v3ioApi`;
}

/** `v3io:///<container>/<path>` → the web API URL of that object (`PUT|GET {api}/{container}/{path}`). */
function v3ioObjectUrl(environment: MlrunEnvironment, url: string, operation: string): string {
  if (!environment.v3ioApi)
    throw new InvalidInputError(
      `${operation}: model files at ${url} are read and written through the cluster's v3io web API; set ${where(environment)}`,
    );
  const path = url.replace(/^v3io:\/\/\/?/, '');
  return joinUrl(environment.v3ioApi, path);
}

async function v3ioCall(
  environment: MlrunEnvironment,
  resolved: ResolvedSettings,
  url: string,
  init: { method: string; body?: Uint8Array },
  context: ProviderContext,
  operation: string,
): Promise<Uint8Array> {
  const headers: Record<string, string> = {};
  if (environment.accessKey) headers['x-v3io-session-key'] = environment.accessKey;
  const fetcher = resolved.settings.fetch ?? globalThis.fetch;
  const target = v3ioObjectUrl(environment, url, operation);
  let response: Response;
  try {
    response = await fetcher(target, { ...init, headers, signal: context.signal });
  } catch (error) {
    throw new ProviderError(
      `${operation}: cannot reach the v3io web API for ${url} (${context.redact((error as Error).message)}); check ${where(environment)}`,
      { provider: 'iguazio', operation, isRetryable: true },
    );
  }
  if (!response.ok)
    throw new ProviderError(`${operation}: v3io answered ${response.status} for ${init.method} ${url}`, {
      provider: 'iguazio',
      operation,
      rawCode: response.status,
      code: response.status === 404 ? ErrorCode.NotFound : ErrorCode.Provider,
    });
  return new Uint8Array(await response.arrayBuffer());
}

function s3Parts(url: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(url);
  if (!match) throw new InvalidInputError(`"${url}" is not an s3://bucket/key URL`);
  return { bucket: match[1]!, key: match[2]! };
}

async function s3Client(resolved: ResolvedSettings) {
  const { S3Client } = await import('@aws-sdk/client-s3');
  return resolved.settings.s3?.client ?? new S3Client({});
}

/** Reads `file` below the directory URL `base` in `environment`. */
export async function readStored(
  resolved: ResolvedSettings,
  environment: MlrunEnvironment,
  base: string,
  file: string,
  context: ProviderContext,
  operation: string,
): Promise<Uint8Array> {
  const url = joinUrl(base, file);
  if (base.startsWith('v3io://'))
    return v3ioCall(environment, resolved, url, { method: 'GET' }, context, operation);
  if (base.startsWith('s3://')) {
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const got = await (await s3Client(resolved)).send(
      new GetObjectCommand({ Bucket: s3Parts(url).bucket, Key: s3Parts(url).key }),
      {
        abortSignal: context.signal,
      },
    );
    return got.Body!.transformToByteArray();
  }
  const local = base.startsWith('file://') ? fileURLToPath(base) : base;
  if (!isAbsolute(local))
    throw new InvalidInputError(
      `${operation}: cannot read model files at "${base}"; supported: v3io://, s3://, file:// and absolute paths`,
    );
  return readFile(join(local, file));
}

/** Writes `file` below the directory URL `base` in `environment`. */
export async function writeStored(
  resolved: ResolvedSettings,
  environment: MlrunEnvironment,
  base: string,
  file: string,
  body: Uint8Array,
  context: ProviderContext,
  operation: string,
): Promise<void> {
  const url = joinUrl(base, file);
  if (base.startsWith('v3io://')) {
    await v3ioCall(environment, resolved, url, { method: 'PUT', body }, context, operation);
    return;
  }
  if (base.startsWith('s3://')) {
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    await (await s3Client(resolved)).send(
      new PutObjectCommand({ Bucket: s3Parts(url).bucket, Key: s3Parts(url).key, Body: body }),
      { abortSignal: context.signal },
    );
    return;
  }
  const path = join(base, file);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, body);
}
