// upload: every file of the model to s3://<bucket>/<prefix>/<model>/sha256-<aggregate digest>/,
// then the modelship manifest beside them (the shared flow: @modelship/core/provider-kit's
// uploadWithManifest). The key is the content's digest, known before anything is sent (one local
// hashing pass), so no later upload can overwrite the bytes a registered version points at, and
// identical content is found by one HEAD of its manifest.
//
// What SageMaker loads (refs.modelDataUrl / refs.modelDataPrefix): a model that is one gzip
// tarball is served as ModelDataUrl (S3Object, extracted into /opt/ml/model); any other model is
// served uncompressed as ModelDataSource S3Prefix with CompressionType None, which loads every
// object under the prefix, the manifest included (API reference: ModelPackageContainerDefinition,
// S3ModelDataSource).
import { stat } from 'node:fs/promises';
import {
  ErrorCode,
  InvalidInputError,
  ModelshipError,
  type ProviderContext,
  type ProviderWarning,
  type UploadInput,
  type UploadResult,
} from '@modelship/core';
import {
  formatS3Uri,
  joinS3Key,
  manifestFileName,
  type StampedModel,
  type UploadTarget,
  uploadWithManifest,
} from '@modelship/core/provider-kit';
import { aws, ifExists } from './errors.js';
import { putFile } from './s3-object.js';
import type { ResolvedSettings } from './settings.js';

const MANIFEST_DIGEST_METADATA = 'modelship-manifest-digest';

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
  const metadata = sanitizeMetadata(input.metadata);
  const bucket = settings.bucket();
  // A directory's provenance is read from the git checkout it lives in.
  const isDirectory = (await stat(input.path).catch(() => undefined))?.isDirectory();
  return uploadWithManifest(input, context, {
    stamp: isDirectory ? { cwd: input.path } : {},
    target: async (stamped) => s3Target(settings, bucket, metadata, stamped, input, context),
  });
}

async function s3Target(
  settings: ResolvedSettings,
  bucket: string,
  metadata: Record<string, string>,
  stamped: StampedModel,
  input: UploadInput,
  context: ProviderContext,
): Promise<UploadTarget> {
  const [s3, S3] = await Promise.all([settings.s3(context), import('@aws-sdk/client-s3')]);
  const { digest, provenance } = stamped.manifest;
  const base = joinS3Key(
    settings.prefix,
    keySegment(input.model.name),
    `${digest.algorithm}-${digest.value}`,
  );
  const uri = formatS3Uri(bucket, `${base}/`);
  const manifestKey = `${base}/${manifestFileName}`;
  const manifestUri = formatS3Uri(bucket, manifestKey);
  const only = stamped.files.length === 1 ? stamped.files[0] : undefined;
  const expected = new Map(stamped.manifest.files.map((file) => [file.path, file]));
  const warnings: ProviderWarning[] = [];
  return {
    uri,
    refs: {
      bucket,
      modelUri: uri,
      ...(only && isTarball(only.path)
        ? { modelDataUrl: formatS3Uri(bucket, `${base}/${only.path}`) }
        : { modelDataPrefix: uri }),
      manifestUri,
      ...(provenance.commit ? { commit: provenance.commit } : {}),
      ...(provenance.repository ? { repository: provenance.repository } : {}),
      ...(provenance.runId ? { runId: provenance.runId } : {}),
    },
    warnings,
    async stored() {
      const head = await ifExists(
        aws('HeadObject', manifestUri, () =>
          s3.send(new S3.HeadObjectCommand({ Bucket: bucket, Key: manifestKey })),
        ),
      );
      return head?.Metadata?.[MANIFEST_DIGEST_METADATA];
    },
    async putFile(file) {
      const known = expected.get(file.path);
      const digests = known?.md5 && known.sha256 ? { md5: known.md5, sha256: known.sha256 } : undefined;
      const result = await putFile(
        {
          client: s3,
          bucket,
          key: `${base}/${file.path}`,
          file: file.absolutePath,
          partSize: settings.partSize,
          concurrency: settings.uploadConcurrency,
          multipartDigests: settings.multipartDigests,
          ...(digests ? { expected: digests } : {}),
        },
        context,
      );
      warnings.push(...result.warnings);
      // The key promises this content: a file that changed after it was hashed must not land under it.
      if (digests && result.sha256 !== digests.sha256)
        throw new ModelshipError(
          ErrorCode.Integrity,
          `upload: ${file.absolutePath} changed while it was being uploaded (sha256 ${digests.sha256} before, ${result.sha256} sent); stop whatever writes it and upload again`,
        );
    },
    async putManifest(_text, manifest) {
      const { formatManifest } = await import('@modelship/manifest');
      await aws('PutObject', manifestUri, () =>
        s3.send(
          new S3.PutObjectCommand({
            Bucket: bucket,
            Key: manifestKey,
            Body: formatManifest({ ...manifest, storage: { uri } }),
            ContentType: 'application/json',
            Metadata: { [MANIFEST_DIGEST_METADATA]: stamped.manifestDigest, ...metadata },
          }),
        ),
      );
      return undefined;
    },
  };
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
