// The upload flow every provider shares, written once: stamp the manifest → refuse a caller's
// digest that differs → skip when the target already holds it → put the files → put the manifest
// last (a manifest at the target means its files are all there). What is platform-specific (where
// files go, how "already stored" is read) comes in as a target.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CreatedManifest, CreateManifestOptions } from '@modelship/manifest';
import { ErrorCode, InvalidInputError, ModelshipError, throwIfAborted } from '../contract/errors.js';
import type {
  ProviderContext,
  ProviderRefs,
  ProviderWarning,
  UploadInput,
  UploadResult,
} from '../contract/provider.js';

export const manifestFileName = 'modelship.manifest.json';

/** `sha256:<hex>`: how every provider reports a manifest's aggregate digest. */
export function digestLabel(digest: { algorithm: string; value: string }): string {
  return `${digest.algorithm}:${digest.value}`;
}

/** Throws when a reported digest is not `<algorithm>:<lowercase hex>` (a bare hex value is refused). */
export function assertDigestLabel(value: string, where: string): void {
  if (!/^(sha256|sha512|sha1|md5):[0-9a-f]+$/.test(value))
    throw new ModelshipError(
      ErrorCode.Integrity,
      `${where}: manifest digest "${value}" is not <algorithm>:<hex> (e.g. sha256:9f86d0…)`,
    );
}

export interface ModelFile {
  /** Relative to the model root, with forward slashes, as in the manifest. */
  path: string;
  absolutePath: string;
  size: number;
}

/** What the stamped manifest is told before the target is opened. */
export interface StampedModel extends CreatedManifest {
  manifestDigest: string;
  files: ModelFile[];
}

/** Where one upload goes; built per call once the manifest is known (keys may depend on its digest). */
export interface UploadTarget {
  uri: string;
  refs: ProviderRefs;
  /** The digest label the target holds already (read from its stored manifest), if any. */
  stored(): Promise<string | undefined>;
  putFile(file: ModelFile): Promise<void>;
  /**
   * Stores the manifest, after every file. `already-stored` when the target turned out to hold the
   * same content meanwhile (another writer won a race with identical bytes).
   */
  putManifest(text: string, manifest: CreatedManifest['manifest']): Promise<'already-stored' | undefined>;
  /** Runs after a failed put (e.g. delete an open commit); its own failure is logged, not thrown. */
  abandon?(error: unknown): Promise<void>;
  /** Runs at the end, whatever happened (e.g. remove a staging directory). */
  cleanup?(): Promise<void>;
  warnings?: ProviderWarning[];
}

export interface UploadWithManifestOptions {
  /** Extra options for createManifest (algorithms, provenance, storageUri…); path, name and version come from the input. */
  stamp?: Omit<CreateManifestOptions, 'path'>;
  /** Opens the target for this model. */
  target(stamped: StampedModel): UploadTarget | Promise<UploadTarget>;
  /** The word errors and progress use; default `upload`. */
  operation?: string;
}

/** Runs the shared upload flow for `input`; see UploadTarget for what a provider supplies. */
export async function uploadWithManifest(
  input: UploadInput,
  context: ProviderContext,
  options: UploadWithManifestOptions,
): Promise<UploadResult> {
  const operation = options.operation ?? 'upload';
  throwIfAborted(context.signal, operation);
  if (!(await stat(input.path).catch(() => undefined)))
    throw new InvalidInputError(
      `${operation}: model path ${input.path} does not exist; pass a model file or directory`,
      { details: { path: input.path } },
    );
  const stamped = await stamp(input, context, options);
  const { manifestDigest } = stamped;
  if (input.manifestDigest !== undefined && input.manifestDigest !== manifestDigest)
    throw new ModelshipError(
      ErrorCode.Integrity,
      `${operation}: ${input.path} hashes to ${manifestDigest} but the caller stamped ${input.manifestDigest}; the model changed after its manifest was made — re-create the manifest`,
      { details: { expected: input.manifestDigest, actual: manifestDigest } },
    );
  const target = await options.target(stamped);
  const refs = { ...target.refs, manifestDigest };
  const result = (skipped: boolean): UploadResult => ({
    uri: target.uri,
    refs,
    skipped,
    manifestDigest,
    warnings: target.warnings ?? [],
  });
  try {
    if ((await target.stored()) === manifestDigest) {
      context.logger.info(
        `${operation}: ${input.model.name} already stored at ${target.uri} (${manifestDigest})`,
      );
      return result(true);
    }
    const task = `${operation} ${input.model.name}`;
    const total = stamped.files.reduce((sum, file) => sum + file.size, 0);
    let done = 0;
    try {
      for (const file of stamped.files) {
        throwIfAborted(context.signal, operation);
        await target.putFile(file);
        done += file.size;
        context.progress({ task, done, total, unit: 'bytes' });
      }
      throwIfAborted(context.signal, operation);
      const { formatManifest } = await import('@modelship/manifest');
      const outcome = await target.putManifest(formatManifest(stamped.manifest), stamped.manifest);
      context.progress({ task, done: total, total, unit: 'bytes', finished: true });
      if (outcome === 'already-stored') return result(true);
    } catch (error) {
      await target
        .abandon?.(error)
        .catch((failed: unknown) =>
          context.logger.warn(
            `${operation}: cleaning up after a failed upload failed too: ${String(failed)}`,
          ),
        );
      throw error;
    }
  } finally {
    await target.cleanup?.();
  }
  context.logger.info(`${operation}: stored ${input.model.name} at ${target.uri} (${manifestDigest})`);
  return result(false);
}

async function stamp(
  input: UploadInput,
  context: ProviderContext,
  options: UploadWithManifestOptions,
): Promise<StampedModel> {
  const { createManifest } = await import('@modelship/manifest');
  const task = `hash ${input.model.name}`;
  let hashed = 0;
  let total = 0;
  const created = await createManifest({
    ...options.stamp,
    path: input.path,
    name: input.model.name,
    ...(input.model.version ? { version: input.model.version } : {}),
    onStart: (bytes) => {
      total = bytes;
      context.progress({ task, done: 0, total, unit: 'bytes' });
    },
    onProgress: (bytes) => {
      hashed += bytes;
      context.progress({ task, done: hashed, total, unit: 'bytes' });
    },
  });
  context.progress({ task, done: total, total, unit: 'bytes', finished: true });
  const files = created.manifest.files.map((file) => ({
    path: file.path,
    absolutePath: join(created.root, file.path),
    size: file.size,
  }));
  return { ...created, manifestDigest: digestLabel(created.manifest.digest), files };
}
