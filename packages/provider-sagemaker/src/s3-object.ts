// One file → one S3 object: skip when HEAD shows identical digests, else a lib-storage upload
// (multipart above one part) hashed in the same read pass, digests stored in object metadata.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
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
import { DigestStream, digestBuffer, type FileDigests } from './digest-stream.js';
import { aws, isNotFound } from './errors.js';
import { formatS3Uri } from './s3-uri.js';

/** Object metadata keys (sent as `x-amz-meta-modelship-md5` / `-sha256`). */
export const MD5_METADATA = 'modelship-md5';
export const SHA256_METADATA = 'modelship-sha256';
/** CopyObject's single-call limit: above it the metadata cannot be rewritten in place. */
const MAX_COPY_SIZE = 5 * 1024 ** 3;

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
}

export interface PutFileResult extends Partial<FileDigests> {
  size: number;
  /** Wall time of the transfer and of the in-place metadata rewrite (multipart only). */
  timings: { transferMs: number; metadataMs: number };
  uri: string;
  skipped: boolean;
  warnings: ProviderWarning[];
}

type S3Module = typeof import('@aws-sdk/client-s3');

async function headDigests(options: PutFileOptions, S3: S3Module) {
  try {
    const head = await aws('HeadObject', formatS3Uri(options.bucket, options.key), () =>
      options.client.send(new S3.HeadObjectCommand({ Bucket: options.bucket, Key: options.key })),
    );
    return {
      size: head.ContentLength,
      md5: head.Metadata?.[MD5_METADATA],
      sha256: head.Metadata?.[SHA256_METADATA],
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
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
    const remote = await headDigests(options, S3);
    if (remote?.size === size && remote.sha256 && remote.md5) {
      // Same size and digests on record: hash locally (no transfer) to confirm.
      const local = await hashFile(options.file, context.signal);
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
    if (size <= MAX_COPY_SIZE) {
      // Multipart metadata is fixed when the upload starts, before the digests exist: rewrite it
      // in place (a server-side copy; no bytes leave this machine again).
      await aws('CopyObject', uri, () =>
        options.client.send(
          new S3.CopyObjectCommand({
            Bucket: options.bucket,
            Key: options.key,
            CopySource: `${options.bucket}/${encodeURIComponent(options.key).replace(/%2F/g, '/')}`,
            MetadataDirective: 'REPLACE',
            ContentType: options.contentType ?? 'application/octet-stream',
            Metadata: { [MD5_METADATA]: digests!.md5, [SHA256_METADATA]: digests!.sha256 },
          }),
        ),
      );
    } else {
      warnings.push({
        type: 'unsupported',
        feature: 'object-metadata-digests',
        message: `${uri} is larger than 5 GiB: its digests are in the manifest only, so a re-upload is not skipped`,
      });
    }
  }
  context.progress({ task, done: size, total: size, unit: 'bytes', finished: true });
  const metadataMs = performance.now() - started - transferMs;
  return { ...digests, size, uri, skipped: false, warnings, timings: { transferMs, metadataMs } };
}
