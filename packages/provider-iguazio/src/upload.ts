import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  ErrorCode,
  ModelshipError,
  type ProviderContext,
  throwIfAborted,
  type UploadInput,
  type UploadResult,
} from '@modelship/core';
import { manifestFileName, type StampedModel, type UploadTarget } from '@modelship/core/provider-kit';
import { versionQuery } from './artifact-ref.js';
import { ensureProject } from './projects.js';
import type { ResolvedSettings } from './settings.js';
import { formatStoreUri, parseStoreUri, validateStoreUri } from './store-uri.js';

export interface StoredArtifact {
  kind?: string;
  metadata?: {
    key?: string;
    tree?: string;
    iter?: number;
    tag?: string;
    uid?: string;
    labels?: Record<string, string>;
  };
  spec?: {
    target_path?: string;
    model_file?: string;
    metrics?: Record<string, unknown>;
    extra_data?: Record<string, string>;
  };
  status?: Record<string, unknown>;
}

/** Refs every later call needs to find this model version again. */
export function artifactRefs(project: string, key: string, tree: string, extra: Record<string, string> = {}) {
  return {
    project,
    key,
    tree,
    storeUri: formatStoreUri({ kind: 'models', project, key, iter: 0, tree }),
    ...extra,
  };
}

/**
 * Stores a model artifact whose tree is the manifest digest, so the same content is one artifact
 * version and a retried upload changes nothing. The provider kit runs the flow (stamp, refuse a
 * caller's different digest, skip when stored, files, manifest last); here is only where things go:
 * files to S3 when a bucket is set (else they stay where they are), and the MLRun artifact
 * registered last, with the S3 manifest just before it.
 */
export async function uploadModel(
  resolved: ResolvedSettings,
  input: UploadInput,
  context: ProviderContext,
): Promise<UploadResult> {
  throwIfAborted(context.signal, 'upload');
  const { project } = resolved;
  const key = input.model.name;
  validateStoreUri({ kind: 'models', project, key }, 'upload: model.name');
  if (input.path.startsWith('store://')) return adoptStoredModel(resolved, input, context);
  const { uploadWithManifest } = await import('@modelship/core/provider-kit');
  return uploadWithManifest(input, context, {
    target: (stamped) => artifactTarget(resolved, input, stamped, context),
  });
}

async function artifactTarget(
  resolved: ResolvedSettings,
  input: UploadInput,
  stamped: StampedModel,
  context: ProviderContext,
): Promise<UploadTarget> {
  const { client, project, s3 } = resolved;
  const key = input.model.name;
  const { manifest, manifestDigest, root } = stamped;
  const tree = manifest.digest.value.slice(0, 40);
  await ensureProject(client, project, 'upload');
  const path = `v2/projects/${project}/artifacts/${key}`;
  const existing = await client<StoredArtifact>({
    path,
    query: { tree, iter: 0 },
    allow: [404],
    what: `artifact ${project}/${key}@${tree}`,
    operation: 'upload',
  });
  const stored = existing.status !== 404;
  const prefix = s3 ? `${s3.prefix ?? 'modelship/'}${project}/${key}/${tree}/` : '';
  const targetPath = stored
    ? (existing.body.spec?.target_path ?? '')
    : s3
      ? `s3://${s3.bucket}/${prefix}`
      : resolve(root);
  const s3Client = s3 ? (s3.client ?? new (await import('@aws-sdk/client-s3')).S3Client({})) : undefined;
  const put = async (objectKey: string, body: Buffer | string) => {
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    await s3Client!.send(
      new PutObjectCommand({ Bucket: s3!.bucket, Key: `${prefix}${objectKey}`, Body: body }),
      {
        abortSignal: context.signal,
      },
    );
  };
  return {
    uri: formatStoreUri({ kind: 'models', project, key, iter: 0, tree }),
    refs: { ...artifactRefs(project, key, tree), targetPath },
    // The tree is the digest, so an artifact at this tree holds this very content.
    stored: async () => (stored ? manifestDigest : undefined),
    putFile: async (file) => {
      if (s3Client) await put(file.path, await readFile(file.absolutePath));
    },
    putManifest: async (text) => {
      // In S3 before the artifact: a crash in between leaves no artifact claiming missing files.
      if (s3Client) await put(manifestFileName, text);
      await registerArtifact(resolved, input, stamped, { path, tree, targetPath });
      return undefined;
    },
  };
}

async function registerArtifact(
  resolved: ResolvedSettings,
  input: UploadInput,
  { manifest, manifestDigest, files }: StampedModel,
  at: { path: string; tree: string; targetPath: string },
): Promise<void> {
  const { project } = resolved;
  const key = input.model.name;
  const provenance = manifest.provenance as { commit?: string; repository?: string } | undefined;
  const labels: Record<string, string> = {
    'modelship/manifest-digest': manifestDigest,
    ...(input.model.version ? { 'modelship/version': input.model.version } : {}),
    ...(provenance?.commit ? { 'modelship/commit': provenance.commit } : {}),
    ...input.metadata,
  };
  const modelFile = files.length === 1 ? files[0]!.path : '';
  const size = files.reduce((sum, file) => sum + file.size, 0);
  await resolved.client({
    method: 'PUT',
    path: at.path,
    query: { tree: at.tree, iter: 0, tag: input.model.version ?? 'latest' },
    json: {
      kind: 'model',
      metadata: {
        key,
        project,
        tree: at.tree,
        iter: 0,
        labels,
        annotations: { 'modelship/provenance': JSON.stringify(manifest.provenance ?? {}) },
      },
      spec: {
        db_key: key,
        target_path: at.targetPath,
        model_file: modelFile,
        size,
        metrics: {},
        parameters: {},
        extra_data: { [manifestFileName]: manifestFileName },
        producer: { kind: 'modelship', name: 'modelship upload' },
        unpackaging_instructions: {},
      },
      status: { state: 'created' },
    },
    what: `artifact ${project}/${key}`,
    operation: 'upload',
  });
}

/**
 * `upload store://models/...`: the model is already in MLRun (a train workflow logged it), so
 * nothing is transferred; the artifact is read to pin its tree and its recorded manifest digest.
 */
async function adoptStoredModel(
  resolved: ResolvedSettings,
  input: UploadInput,
  context: ProviderContext,
): Promise<UploadResult> {
  throwIfAborted(context.signal, 'upload');
  const uri = parseStoreUri(input.path);
  const query = versionQuery(uri);
  const found = await resolved.client<StoredArtifact>({
    path: `v2/projects/${uri.project}/artifacts/${uri.key}`,
    query,
    what: `model ${input.path}`,
    operation: 'upload',
  });
  const tree = found.body.metadata?.tree ?? uri.tree ?? '';
  const manifestDigest = found.body.metadata?.labels?.['modelship/manifest-digest'];
  if (input.manifestDigest && manifestDigest && input.manifestDigest !== manifestDigest)
    throw new ModelshipError(
      ErrorCode.Integrity,
      `upload: ${input.path} records manifest ${manifestDigest}, not ${input.manifestDigest}; pass the URI of the model you stamped`,
    );
  const refs = artifactRefs(uri.project, uri.key, tree, manifestDigest ? { manifestDigest } : {});
  return {
    uri: refs.storeUri,
    refs: { ...refs, targetPath: found.body.spec?.target_path ?? '' },
    skipped: true,
    ...(manifestDigest ? { manifestDigest } : {}),
    warnings: manifestDigest
      ? []
      : [
          {
            type: 'other',
            message: `${input.path} carries no modelship manifest digest; it was registered by reference`,
          },
        ],
  };
}
