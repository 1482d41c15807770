import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  ErrorCode,
  InvalidInputError,
  ModelshipError,
  type ProviderContext,
  throwIfAborted,
  type UploadInput,
  type UploadResult,
} from '@modelship/core';
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

async function putToS3(
  resolved: ResolvedSettings,
  root: string,
  files: { path: string }[],
  prefix: string,
  manifestText: string,
  context: ProviderContext,
): Promise<string> {
  const s3 = resolved.settings.s3!;
  const { PutObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
  const client = s3.client ?? new S3Client({});
  for (const [index, file] of files.entries()) {
    throwIfAborted(context.signal, 'upload');
    await client.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: `${prefix}${file.path}`,
        Body: await readFile(join(root, file.path)),
      }),
      { abortSignal: context.signal },
    );
    context.progress({
      task: 'upload to s3',
      done: index + 1,
      total: files.length,
      unit: 'files',
      finished: index + 1 === files.length,
    });
  }
  // Last, so a crash mid-upload leaves no manifest claiming files that are not there.
  await client.send(
    new PutObjectCommand({ Bucket: s3.bucket, Key: `${prefix}modelship.manifest.json`, Body: manifestText }),
    {
      abortSignal: context.signal,
    },
  );
  return `s3://${s3.bucket}/${prefix}`;
}

/**
 * Stores a model artifact whose tree is the manifest digest, so the same content is one
 * artifact version and a retried upload changes nothing.
 */
export async function uploadModel(
  resolved: ResolvedSettings,
  input: UploadInput,
  context: ProviderContext,
): Promise<UploadResult> {
  throwIfAborted(context.signal, 'upload');
  const { client, project } = resolved;
  const key = input.model.name;
  validateStoreUri({ kind: 'models', project, key }, 'upload: model.name');
  if (input.path.startsWith('store://')) return adoptStoredModel(resolved, input, context);
  const info = await stat(input.path).catch(() => undefined);
  if (!info)
    throw new InvalidInputError(
      `upload: model path ${input.path} does not exist; pass a model file or directory`,
    );
  const { createManifest, formatManifest } = await import('@modelship/manifest');
  const { manifest, root } = await createManifest({
    path: input.path,
    name: key,
    version: input.model.version,
  });
  const manifestDigest = `${manifest.digest.algorithm}:${manifest.digest.value}`;
  if (input.manifestDigest && input.manifestDigest !== manifestDigest)
    throw new ModelshipError(
      ErrorCode.Integrity,
      `upload: ${input.path} hashes to ${manifestDigest} but the caller stamped ${input.manifestDigest}; re-create the manifest`,
    );
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
  const refs = artifactRefs(project, key, tree, { manifestDigest });
  if (existing.status !== 404) {
    context.logger.info(`upload: ${project}/${key} already holds ${manifestDigest}`);
    return {
      uri: refs.storeUri,
      refs: { ...refs, targetPath: existing.body.spec?.target_path ?? '' },
      skipped: true,
      manifestDigest,
      warnings: [],
    };
  }
  const files = manifest.files;
  const targetPath = resolved.settings.s3
    ? await putToS3(
        resolved,
        root,
        files,
        `${resolved.settings.s3.prefix ?? 'modelship/'}${project}/${key}/${tree}/`,
        formatManifest(manifest),
        context,
      )
    : resolve(root);
  const provenance = manifest.provenance as { commit?: string; repository?: string } | undefined;
  const labels: Record<string, string> = {
    'modelship/manifest-digest': manifestDigest,
    ...(input.model.version ? { 'modelship/version': input.model.version } : {}),
    ...(provenance?.commit ? { 'modelship/commit': provenance.commit } : {}),
    ...input.metadata,
  };
  const modelFile = files.length === 1 ? files[0]!.path : '';
  const size = files.reduce((sum, file) => sum + file.size, 0);
  await client({
    method: 'PUT',
    path,
    query: { tree, iter: 0, tag: input.model.version ?? 'latest' },
    json: {
      kind: 'model',
      metadata: {
        key,
        project,
        tree,
        iter: 0,
        labels,
        annotations: { 'modelship/provenance': JSON.stringify(manifest.provenance ?? {}) },
      },
      spec: {
        db_key: key,
        target_path: targetPath,
        model_file: modelFile,
        size,
        metrics: {},
        parameters: {},
        extra_data: { 'modelship.manifest.json': 'modelship.manifest.json' },
        producer: { kind: 'modelship', name: 'modelship upload' },
        unpackaging_instructions: {},
      },
      status: { state: 'created' },
    },
    what: `artifact ${project}/${key}`,
    operation: 'upload',
  });
  return { uri: refs.storeUri, refs: { ...refs, targetPath }, skipped: false, manifestDigest, warnings: [] };
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
