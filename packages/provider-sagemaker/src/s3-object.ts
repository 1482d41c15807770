// One file → one S3 object: skip when S3 shows identical digests, else a lib-storage upload
// (multipart above one part) hashed in the same read pass by a pass-through stream, so the bytes
// sent are the bytes hashed. The digests go in object metadata when the PUT can carry them (one
// part), else in object tags (or, on request, in metadata rewritten by a server-side copy).
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  AbortedError,
  ErrorCode,
  ModelshipError,
  type ProviderContext,
  type ProviderWarning,
  throwIfAborted,
} from '@modelship/core';
import { formatS3Uri } from '@modelship/core/provider-kit';
import { aws, ifExists } from './errors.js';

export interface FileDigests {
  md5: string;
  sha256: string;
  size: number;
}

export class DigestStream extends Transform {
  private readonly md5: Hash = createHash('md5');
  private readonly sha256: Hash = createHash('sha256');
  private bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.md5.update(chunk);
    this.sha256.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  /** Valid once the stream has ended. */
  digests(): FileDigests {
    return { md5: this.md5.digest('hex'), sha256: this.sha256.digest('hex'), size: this.bytes };
  }
}

export function digestBuffer(data: Uint8Array): FileDigests {
  return {
    md5: createHash('md5').update(data).digest('hex'),
    sha256: createHash('sha256').update(data).digest('hex'),
    size: data.length,
  };
}

/** Object metadata keys (sent as `x-amz-meta-modelship-md5` / `-sha256`). */
export const MD5_METADATA = 'modelship-md5';
export const SHA256_METADATA = 'modelship-sha256';
/** CopyObject's single-call limit: above it the metadata cannot be rewritten in place. */
const MAX_COPY_SIZE = 5 * 1024 ** 3;

/**
 * Where a multipart object's digests go. S3 fixes metadata when a multipart upload starts, before
 * the digests exist: `tags` adds them afterwards with one PutObjectTagging (constant cost);
 * `metadata` rewrites the metadata with a server-side CopyObject of the whole object (≤ 5 GiB;
 * it costs about as much as the upload on moto, and seconds per GiB on S3).
 */
export type MultipartDigests = 'tags' | 'metadata';

export interface PutFileOptions {
  client: S3Client;
  bucket: string;
  key: string;
  file: string;
  partSize: number;
  concurrency: number;
  /** false only for the benchmark baseline: upload without hashing or metadata. */
  hash?: boolean;
  contentType?: string;
  /** Skip the HEAD check (the benchmark uploads the same content twice on purpose). */
  force?: boolean;
  /** Default `tags`. */
  multipartDigests?: MultipartDigests;
  /** The file's digests when already known (the manifest's): a stored object is compared without hashing again. */
  expected?: { md5: string; sha256: string };
}

export interface PutFileResult extends Partial<FileDigests> {
  size: number;
  /** Wall time of the transfer and of recording the digests afterwards (multipart only). */
  timings: { transferMs: number; metadataMs: number };
  uri: string;
  skipped: boolean;
  warnings: ProviderWarning[];
}

type S3Module = typeof import('@aws-sdk/client-s3');

async function remoteDigests(options: PutFileOptions, S3: S3Module) {
  const uri = formatS3Uri(options.bucket, options.key);
  const where = { Bucket: options.bucket, Key: options.key };
  const head = await ifExists(
    aws('HeadObject', uri, () => options.client.send(new S3.HeadObjectCommand(where))),
  );
  if (!head) return undefined;
  const digests = { md5: head.Metadata?.[MD5_METADATA], sha256: head.Metadata?.[SHA256_METADATA] };
  if (!digests.md5 || !digests.sha256) {
    const tagging = await ifExists(
      aws('GetObjectTagging', uri, () => options.client.send(new S3.GetObjectTaggingCommand(where))),
    );
    const tag = (key: string) => tagging?.TagSet?.find((candidate) => candidate.Key === key)?.Value;
    digests.md5 = tag(MD5_METADATA);
    digests.sha256 = tag(SHA256_METADATA);
  }
  return { size: head.ContentLength, ...digests };
}

async function hashFile(file: string, signal: AbortSignal): Promise<FileDigests> {
  const digest = new DigestStream();
  digest.resume(); // nothing reads the pass-through side here: drain it
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), digest, { signal });
  return digest.digests();
}

async function readWhole(file: string, size: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(size);
    let offset = 0;
    while (offset < size) {
      const { bytesRead } = await handle.read(buffer, offset, size - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return buffer.subarray(0, offset);
  } finally {
    await handle.close();
  }
}

export async function putFile(options: PutFileOptions, context: ProviderContext): Promise<PutFileResult> {
  const S3 = await import('@aws-sdk/client-s3');
  const uri = formatS3Uri(options.bucket, options.key);
  const task = `upload ${uri}`;
  throwIfAborted(context.signal, task);
  const { size } = await stat(options.file);
  const hashing = options.hash !== false;

  if (hashing && !options.force) {
    const remote = await remoteDigests(options, S3);
    if (remote?.size === size && remote.sha256 && remote.md5) {
      // Same size and digests on record: compare with the known digests, or hash locally (no transfer).
      const local = options.expected
        ? { ...options.expected, size }
        : await hashFile(options.file, context.signal);
      if (local.sha256 === remote.sha256 && local.md5 === remote.md5) {
        context.progress({ task, done: size, total: size, unit: 'bytes', finished: true });
        return { ...local, uri, skipped: true, warnings: [], timings: { transferMs: 0, metadataMs: 0 } };
      }
    }
  }

  const { Upload } = await import('@aws-sdk/lib-storage');
  const warnings: ProviderWarning[] = [];
  const single = size <= options.partSize;
  let digests: FileDigests | undefined;
  let body: Buffer | DigestStream | ReturnType<typeof createReadStream>;
  if (single) {
    // One part: the bytes are in memory anyway, so hash them first and send digests with the PUT.
    body = await readWhole(options.file, size);
    if (hashing) digests = digestBuffer(body);
  } else if (hashing) {
    const digest = new DigestStream();
    // Errors surface through the Upload reading `digest`; this promise only must not go unhandled.
    pipeline(createReadStream(options.file, { highWaterMark: 1 << 20 }), digest).catch(() => {});
    body = digest;
  } else {
    body = createReadStream(options.file, { highWaterMark: 1 << 20 });
  }

  const upload = new Upload({
    client: options.client,
    params: {
      Bucket: options.bucket,
      Key: options.key,
      Body: body,
      ContentType: options.contentType ?? 'application/octet-stream',
      ...(digests ? { Metadata: { [MD5_METADATA]: digests.md5, [SHA256_METADATA]: digests.sha256 } } : {}),
    },
    partSize: options.partSize,
    queueSize: options.concurrency,
    leavePartsOnError: false,
  });
  upload.on('httpUploadProgress', (p) =>
    context.progress({ task, done: p.loaded ?? 0, total: size, unit: 'bytes' }),
  );
  const onAbort = () => void upload.abort().catch(() => {});
  const started = performance.now();
  context.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await aws('Upload', uri, () => upload.done());
  } catch (error) {
    if (context.signal.aborted) throw new AbortedError(task, { cause: error });
    throw error;
  } finally {
    context.signal.removeEventListener('abort', onAbort);
    if (!Buffer.isBuffer(body)) body.destroy();
  }

  const transferMs = performance.now() - started;
  if (!single && hashing) {
    digests = (body as DigestStream).digests();
    if (digests.size !== size)
      throw new ModelshipError(
        ErrorCode.Integrity,
        `${options.file} changed size while it was uploaded to ${uri} (${size} → ${digests.size} bytes); stop whatever writes it and upload again`,
      );
    warnings.push(...(await recordDigests(options, S3, uri, digests)));
  }
  context.progress({ task, done: size, total: size, unit: 'bytes', finished: true });
  const metadataMs = performance.now() - started - transferMs;
  return { ...digests, size, uri, skipped: false, warnings, timings: { transferMs, metadataMs } };
}

/** Attaches the digests to a just-finished multipart object, as tags or as rewritten metadata. */
async function recordDigests(
  options: PutFileOptions,
  S3: S3Module,
  uri: string,
  digests: FileDigests,
): Promise<ProviderWarning[]> {
  const where = { Bucket: options.bucket, Key: options.key };
  const pairs = { [MD5_METADATA]: digests.md5, [SHA256_METADATA]: digests.sha256 };
  const copy = options.multipartDigests === 'metadata';
  if (copy && digests.size <= MAX_COPY_SIZE) {
    await aws('CopyObject', uri, () =>
      options.client.send(
        new S3.CopyObjectCommand({
          ...where,
          CopySource: `${options.bucket}/${encodeURIComponent(options.key).replace(/%2F/g, '/')}`,
          MetadataDirective: 'REPLACE',
          ContentType: options.contentType ?? 'application/octet-stream',
          Metadata: pairs,
        }),
      ),
    );
    return [];
  }
  await aws('PutObjectTagging', uri, () =>
    options.client.send(
      new S3.PutObjectTaggingCommand({
        ...where,
        Tagging: { TagSet: Object.entries(pairs).map(([Key, Value]) => ({ Key, Value })) },
      }),
    ),
  );
  if (!copy) return [];
  return [
    {
      type: 'unsupported',
      feature: 'object-metadata-digests',
      message: `${uri} is larger than 5 GiB, which CopyObject cannot rewrite in one call: its digests are in object tags instead`,
    },
  ];
}
