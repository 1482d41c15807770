// Puts a model (with its modelship manifest) under the flow's S3 datastore root, so a flow can
// read a model trained elsewhere. The manifest goes last: it marks a complete upload, and an
// identical manifest already there means nothing needs to move.
import { readFile } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  InvalidInputError,
  type ProviderContext,
  type UploadInput,
  type UploadResult,
} from '@modelship/core';
import { joinS3Key, manifestFileName, parseS3Uri, uploadWithManifest } from '@modelship/core/provider-kit';
import { mapS3Error } from './errors.js';
import { type ResolvedSettings, setting } from './settings.js';

/** Where models go: a bucket and a key prefix (no trailing slash). */
export interface S3Root {
  bucket: string;
  prefix: string;
}

function s3Root(uri: string, what: string): S3Root {
  const { bucket, key } = parseS3Uri(uri.trim(), what);
  return { bucket, prefix: joinS3Key(key) };
}

export function uploadRoot(settings: ResolvedSettings): S3Root {
  if (settings.raw.s3Root) return s3Root(settings.raw.s3Root, 's3Root');
  const sysroot = setting(settings, undefined, 'METAFLOW_DATASTORE_SYSROOT_S3');
  if (!sysroot)
    throw new InvalidInputError(
      'upload needs an S3 location: set the provider setting s3Root (s3://bucket/prefix) or METAFLOW_DATASTORE_SYSROOT_S3',
    );
  const root = s3Root(sysroot, 'METAFLOW_DATASTORE_SYSROOT_S3');
  return { bucket: root.bucket, prefix: joinS3Key(root.prefix, 'modelship') };
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The same S3 the flows see: endpoint and keys from the command environment, else AWS's chain. */
export async function s3Client(settings: ResolvedSettings, context: ProviderContext): Promise<S3Client> {
  if (settings.raw.s3Client) return settings.raw.s3Client;
  const { S3Client } = await import('@aws-sdk/client-s3');
  const endpoint = setting(settings, settings.raw.s3Endpoint, 'METAFLOW_S3_ENDPOINT_URL');
  const region =
    setting(settings, undefined, 'AWS_REGION') ?? setting(settings, undefined, 'AWS_DEFAULT_REGION');
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = settings.raw.env ?? {};
  const sessionToken = settings.raw.env?.AWS_SESSION_TOKEN;
  context.redact.add(secretAccessKey);
  context.redact.add(sessionToken);
  return new S3Client({
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    region: region ?? 'us-east-1',
    ...(accessKeyId && secretAccessKey
      ? { credentials: { accessKeyId, secretAccessKey, sessionToken } }
      : {}),
  });
}

export async function upload(
  settings: ResolvedSettings,
  input: UploadInput,
  context: ProviderContext,
): Promise<UploadResult> {
  for (const [field, value] of [
    ['model.name', input.model.name],
    ['model.version', input.model.version],
  ] as const)
    if (value !== undefined && !SEGMENT.test(value))
      throw new InvalidInputError(
        `upload ${field} "${value}" cannot be an S3 key segment; use letters, digits, . _ -`,
      );
  const root = uploadRoot(settings);
  const client = await s3Client(settings, context);
  const { GetObjectCommand, PutObjectCommand } = await import('@aws-sdk/client-s3');
  // The shared flow (stamp, refuse a different caller digest, skip when stored, manifest last).
  return uploadWithManifest(input, context, {
    target({ manifest }) {
      const version =
        input.model.version ?? `${manifest.digest.algorithm}-${manifest.digest.value.slice(0, 16)}`;
      const prefix = [root.prefix, input.model.name, version].filter(Boolean).join('/');
      const where = `s3://${root.bucket}/${prefix}`;
      const put = (key: string, body: Buffer | string, extra: Record<string, unknown> = {}) =>
        client
          .send(
            new PutObjectCommand({ Bucket: root.bucket, Key: `${prefix}/${key}`, Body: body, ...extra }),
            {
              abortSignal: context.signal,
            },
          )
          .catch((error: unknown) => {
            throw mapS3Error(error, 'upload', `${where}/${key}`);
          });
      return {
        uri: `${where}/`,
        refs: { uri: `${where}/`, bucket: root.bucket, prefix },
        stored: () =>
          client
            .send(new GetObjectCommand({ Bucket: root.bucket, Key: `${prefix}/${manifestFileName}` }), {
              abortSignal: context.signal,
            })
            .then(async (out) => manifestDigestOf((await out.Body?.transformToString()) ?? ''))
            .catch((error: { name?: string }) => {
              if (error.name === 'NoSuchKey') return undefined;
              throw mapS3Error(error, 'upload', where);
            }),
        putFile: async (file) => {
          await put(file.path, await readFile(file.absolutePath));
        },
        putManifest: async (text) => {
          await put(manifestFileName, text, { ContentType: 'application/json', Metadata: input.metadata });
          return undefined;
        },
      };
    },
  });
}

function manifestDigestOf(text: string): string | undefined {
  try {
    const { digest } = JSON.parse(text) as { digest?: { algorithm?: string; value?: string } };
    return digest ? `${digest.algorithm}:${digest.value}` : undefined;
  } catch {
    return undefined;
  }
}
