import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ErrorCode,
  InvalidInputError,
  ModelshipError,
  type ProviderContext,
  throwIfAborted,
  type UploadInput,
  type UploadResult,
} from '@modelship/core';
import { randomId, type StoreLayout } from './layout.js';

export const manifestFileName = 'modelship.manifest.json';

/** `sha256:<hex>`: how provider-local names a manifest's aggregate digest everywhere. */
export function digestLabel(digest: { algorithm: string; value: string }): string {
  return `${digest.algorithm}:${digest.value}`;
}

export function artifactRefs(dir: string, manifestDigest: string): Record<string, string> {
  return { artifactDir: dir, artifactUri: pathToFileURL(dir).href, manifestDigest };
}

/**
 * Stamps (or re-checks) the manifest of `input.path`, then copies the model into
 * `artifacts/<digest>/`. Identical content lands in the same directory, so a repeat is a no-op.
 */
export async function uploadToStore(
  layout: StoreLayout,
  input: UploadInput,
  context: ProviderContext,
): Promise<UploadResult> {
  throwIfAborted(context.signal, 'upload');
  const manifestApi = await import('@modelship/manifest');
  try {
    await stat(input.path);
  } catch {
    throw new InvalidInputError(
      `upload: model path ${input.path} does not exist; pass a model file or directory`,
      {
        details: { path: input.path },
      },
    );
  }
  const hashTask = `hash ${input.model.name}`;
  let hashed = 0;
  let hashTotal = 0;
  const { manifest, root } = await manifestApi.createManifest({
    path: input.path,
    name: input.model.name,
    version: input.model.version,
    onStart: (total) => {
      hashTotal = total;
      context.progress({ task: hashTask, done: 0, total, unit: 'bytes' });
    },
    onProgress: (bytes) => {
      hashed += bytes;
      context.progress({ task: hashTask, done: hashed, total: hashTotal, unit: 'bytes' });
    },
  });
  context.progress({ task: hashTask, done: hashTotal, total: hashTotal, unit: 'bytes', finished: true });
  const manifestDigest = digestLabel(manifest.digest);
  if (input.manifestDigest && input.manifestDigest !== manifestDigest) {
    throw new ModelshipError(
      ErrorCode.Integrity,
      `upload: ${input.path} hashes to ${manifestDigest} but the caller stamped ${input.manifestDigest}; the model changed after its manifest was made — re-create the manifest`,
      { details: { expected: input.manifestDigest, actual: manifestDigest } },
    );
  }
  const dir = join(layout.artifacts, manifest.digest.value);
  const refs = artifactRefs(dir, manifestDigest);
  const uri = refs.artifactUri!;
  if (existsSync(join(dir, manifestFileName))) {
    context.logger.info(`upload: ${input.model.name} already stored as ${manifestDigest}`);
    return { uri, refs, skipped: true, manifestDigest, warnings: [] };
  }
  throwIfAborted(context.signal, 'upload');
  const staging = join(layout.artifacts, `.incoming-${randomId()}`);
  try {
    let copied = 0;
    const total = manifest.files.reduce((sum, file) => sum + file.size, 0);
    for (const file of manifest.files) {
      const target = join(staging, file.path);
      await mkdir(dirname(target), { recursive: true });
      await copyFile(join(root, file.path), target);
      copied += file.size;
      context.progress({ task: `store ${input.model.name}`, done: copied, total, unit: 'bytes' });
    }
    await manifestApi.writeManifest(join(staging, manifestFileName), {
      ...manifest,
      storage: { uri },
    });
    // The copy is checked against the manifest, so a file changed mid-copy never enters the store.
    await manifestApi.assertModel(join(staging, manifestFileName));
    context.progress({
      task: `store ${input.model.name}`,
      done: total,
      total,
      unit: 'bytes',
      finished: true,
    });
    try {
      await rename(staging, dir);
    } catch (error) {
      // Another process stored the same content first: theirs is identical, keep it.
      if (!existsSync(join(dir, manifestFileName))) throw error;
      return { uri, refs, skipped: true, manifestDigest, warnings: [] };
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  context.logger.info(`upload: stored ${input.model.name} as ${manifestDigest}`);
  return { uri, refs, skipped: false, manifestDigest, warnings: [] };
}
