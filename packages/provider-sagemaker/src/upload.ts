// upload: every file of the model to s3://<bucket>/<prefix>/<model>/sha256-<aggregate digest>/,
// then the modelship manifest beside them. The key is the content's digest, known before anything
// is sent (one local hashing pass), so no later upload can overwrite the bytes a registered version
// points at, and identical content is found by one HEAD of its manifest.
//
// What SageMaker loads (refs.modelDataUrl / refs.modelDataPrefix): a model that is one gzip
// tarball is served as ModelDataUrl (S3Object, extracted into /opt/ml/model); any other model is
// served uncompressed as ModelDataSource S3Prefix with CompressionType None, which loads every
// object under the prefix, the manifest included (API reference: ModelPackageContainerDefinition,
// S3ModelDataSource).
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import {
  ErrorCode,
  InvalidInputError,
  ModelshipError,
  type ProviderContext,
  type ProviderWarning,
  throwIfAborted,
  type UploadInput,
  type UploadResult,
} from '@modelship/core';
import { aws, isNotFound } from './errors.js';
import { putFile } from './s3-object.js';
import { formatS3Uri, joinKey } from './s3-uri.js';
import type { ResolvedSettings } from './settings.js';

export const MANIFEST_FILE = 'modelship.manifest.json';
const MANIFEST_DIGEST_METADATA = 'modelship-manifest-digest';

interface LocalFile {
  path: string;
  absolutePath: string;
}

async function listFiles(path: string): Promise<{ files: LocalFile[]; single: boolean }> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw new InvalidInputError(
      `upload: cannot read ${path} (${(error as NodeJS.ErrnoException).code}); pass an existing model file or directory`,
      { cause: error },
    );
  }
  if (info.isFile()) return { files: [{ path: path.split(sep).pop()!, absolutePath: path }], single: true };
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const absolutePath = join(entry.parentPath, entry.name);
      return { path: relative(path, absolutePath).split(sep).join('/'), absolutePath };
    })
    .filter((file) => file.path !== MANIFEST_FILE)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (files.length === 0)
    throw new InvalidInputError(`upload: ${path} contains no files; pass the model directory`);
  return { files, single: false };
}

/** SageMaker accepts a single object as ModelDataUrl only as a gzip tarball. */
export function isTarball(path: string): boolean {
  return /\.(tar\.gz|tgz)$/i.test(path);
}

/** A segment safe in an S3 key. */
function keySegment(value: string): string {
  return value.replace(/[^A-Za-z0-9._=-]/g, '_');
}

export async function uploadModel(
  settings: ResolvedSettings,
  input: UploadInput,
  context: ProviderContext,
): Promise<UploadResult> {
  throwIfAborted(context.signal, `upload of ${input.path}`);
  const [{ files, single }, s3, S3, manifestApi] = await Promise.all([
    listFiles(input.path),
    settings.s3(context),
    import('@aws-sdk/client-s3'),
    import('@modelship/manifest'),
  ]);
  const bucket = settings.bucket();
  const hashed = await manifestApi.hashFiles(
    files.map((file) => file.absolutePath),
    ['md5', 'sha256'],
  );
  const entries = files.map((file, i) => ({
    path: file.path,
    size: hashed[i]!.size,
    md5: hashed[i]!.md5!,
    sha256: hashed[i]!.sha256!,
  }));
  const algorithm = manifestApi.aggregateAlgorithmFor(entries);
  const digest = { algorithm, value: manifestApi.aggregateDigest(entries, algorithm) };
  const manifestDigest = `${digest.algorithm}:${digest.value}`;
  if (input.manifestDigest && input.manifestDigest !== manifestDigest)
    throw new ModelshipError(
      ErrorCode.Integrity,
      `upload: ${input.path} hashes to ${manifestDigest} but the caller stamped ${input.manifestDigest}; the model changed after its manifest was made — re-create the manifest`,
      { details: { expected: input.manifestDigest, actual: manifestDigest } },
    );

  const base = joinKey(settings.prefix, keySegment(input.model.name), `${digest.algorithm}-${digest.value}`);
  const uri = formatS3Uri(bucket, `${base}/`);
  const warnings: ProviderWarning[] = [];
  const manifestKey = `${base}/${MANIFEST_FILE}`;
  const manifestUri = formatS3Uri(bucket, manifestKey);
  const previous = await aws('HeadObject', manifestUri, () =>
    s3.send(new S3.HeadObjectCommand({ Bucket: bucket, Key: manifestKey })),
  ).catch((error: unknown) => {
    if (isNotFound(error)) return undefined;
    throw error;
  });
  const previousDigest = previous?.Metadata?.[MANIFEST_DIGEST_METADATA];
  const provenance = await manifestApi.captureProvenance({ cwd: single ? undefined : input.path });
  const refs: Record<string, string> = {
    bucket,
    modelUri: uri,
    ...(files.length === 1 && isTarball(files[0]!.path)
      ? { modelDataUrl: formatS3Uri(bucket, `${base}/${files[0]!.path}`) }
      : { modelDataPrefix: uri }),
    manifestUri,
    manifestDigest,
    ...(provenance.commit ? { commit: provenance.commit } : {}),
    ...(provenance.repository ? { repository: provenance.repository } : {}),
    ...(provenance.runId ? { runId: provenance.runId } : {}),
  };

  if (previousDigest === manifestDigest) {
    context.logger.info(`upload: ${input.model.name} already stored at ${uri} (${manifestDigest})`);
    return { uri, refs, skipped: true, manifestDigest, warnings };
  }

  let transferred = 0;
  for (const [i, file] of files.entries()) {
    const result = await putFile(
      {
        client: s3,
        bucket,
        key: `${base}/${file.path}`,
        file: file.absolutePath,
        partSize: settings.partSize,
        concurrency: settings.uploadConcurrency,
        multipartDigests: settings.multipartDigests,
      },
      context,
    );
    warnings.push(...result.warnings);
    if (!result.skipped) transferred += 1;
    // The key promises this content: a file that changed after it was hashed must not land under it.
    if (result.sha256 !== entries[i]!.sha256)
      throw new ModelshipError(
        ErrorCode.Integrity,
        `upload: ${file.absolutePath} changed while it was being uploaded (sha256 ${entries[i]!.sha256} before, ${result.sha256} sent); stop whatever writes it and upload again`,
      );
  }

  const manifest = manifestApi.modelshipManifestSchema.parse({
    schema: 'modelship.manifest/v1',
    name: input.model.name,
    version: input.model.version ?? (provenance.commit ? provenance.commit.slice(0, 12) : '0.0.0-local'),
    files: entries,
    digest,
    provenance,
    storage: { uri },
  });
  await aws('PutObject', manifestUri, () =>
    s3.send(
      new S3.PutObjectCommand({
        Bucket: bucket,
        Key: manifestKey,
        Body: manifestApi.formatManifest(manifest),
        ContentType: 'application/json',
        Metadata: { [MANIFEST_DIGEST_METADATA]: manifestDigest, ...sanitizeMetadata(input.metadata) },
      }),
    ),
  );
  context.logger.info(
    `upload: stored ${input.model.name} at ${uri} (${manifestDigest}; ${transferred}/${files.length} files sent)`,
  );
  return { uri, refs, skipped: false, manifestDigest, warnings };
}

/** User metadata travels as x-amz-meta-* headers: ASCII keys and values only. */
function sanitizeMetadata(metadata: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (!/^[A-Za-z0-9-]+$/.test(key) || !/^[\x20-\x7e]*$/.test(value))
      throw new InvalidInputError(
        `upload: metadata ${JSON.stringify(key)} must have a key of letters, digits and "-" and a printable ASCII value (it becomes an x-amz-meta- header)`,
      );
    out[key.toLowerCase()] = value;
  }
  return out;
}
