// upload: every file of the model to s3://<bucket>/<prefix>/<model>/<version>/, hashed in the
// upload's own read pass, then the modelship manifest (built from those digests) beside them.
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import {
  ErrorCode,
  InvalidInputError,
  ModelshipError,
  type ProviderContext,
  type ProviderWarning,
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

/** A version segment safe in an S3 key. */
function keySegment(value: string): string {
  return value.replace(/[^A-Za-z0-9._=-]/g, '_');
}

export async function uploadModel(
  settings: ResolvedSettings,
  input: UploadInput,
  context: ProviderContext,
): Promise<UploadResult> {
  const [{ files, single }, s3, S3, manifestApi] = await Promise.all([
    listFiles(input.path),
    settings.s3(context),
    import('@aws-sdk/client-s3'),
    import('@modelship/manifest'),
  ]);
  const bucket = settings.bucket();
  const base = joinKey(
    settings.prefix,
    keySegment(input.model.name),
    keySegment(input.model.version ?? 'unversioned'),
  );
  const uri = formatS3Uri(bucket, `${base}/`);
  const warnings: ProviderWarning[] = [];
  const entries: Array<{ path: string; size: number; md5: string; sha256: string }> = [];
  let transferred = 0;

  for (const file of files) {
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
    entries.push({ path: file.path, size: result.size, md5: result.md5!, sha256: result.sha256! });
  }

  const algorithm = manifestApi.aggregateAlgorithmFor(entries);
  const digest = { algorithm, value: manifestApi.aggregateDigest(entries, algorithm) };
  const manifestDigest = `${digest.algorithm}:${digest.value}`;
  if (input.manifestDigest && input.manifestDigest !== manifestDigest)
    throw new ModelshipError(
      ErrorCode.Integrity,
      `upload: ${input.path} hashes to ${manifestDigest} but the caller stamped ${input.manifestDigest}; the model changed after its manifest was made — re-create the manifest`,
      { details: { expected: input.manifestDigest, actual: manifestDigest } },
    );

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
    modelDataUrl: single ? formatS3Uri(bucket, `${base}/${files[0]!.path}`) : uri,
    manifestUri,
    manifestDigest,
    ...(provenance.commit ? { commit: provenance.commit } : {}),
    ...(provenance.repository ? { repository: provenance.repository } : {}),
    ...(provenance.runId ? { runId: provenance.runId } : {}),
  };

  if (transferred === 0 && previousDigest === manifestDigest) {
    context.logger.info(`upload: ${input.model.name} already stored at ${uri} (${manifestDigest})`);
    return { uri, refs, skipped: true, manifestDigest, warnings };
  }
  if (previousDigest && previousDigest !== manifestDigest)
    warnings.push({
      type: 'other',
      message: `${uri} held different content (${previousDigest}); it now holds ${manifestDigest} — give each model a new version to keep both`,
    });

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
