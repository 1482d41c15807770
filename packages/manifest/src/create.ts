import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { aggregateAlgorithmFor, aggregateDigest } from './aggregate.js';
import { assertDigestAlgorithms, type DigestAlgorithm } from './algorithms.js';
import { algorithmiaManifestFileName, modelshipManifestFileName, modelshipSchemaId } from './constants.js';
import { ManifestErrorCode, ManifestInputError } from './errors.js';
import { type HashProgress, hashFiles } from './hash.js';
import { type CaptureProvenanceOptions, captureProvenance } from './provenance.js';
import type { ModelshipManifest, Provenance } from './schemas.js';
import { type KeyInput, signManifest } from './signature.js';
import { type WalkedFile, walkFiles } from './walk.js';

export interface CreateManifestOptions extends CaptureProvenanceOptions {
  /** A model file, or a directory whose every file (recursively) belongs to the model. */
  path: string;
  algorithms?: readonly (DigestAlgorithm | (string & {}))[];
  /** `auto` (default): GitHub Actions variables, else local git, else explicit unknown. */
  provenance?: 'auto' | Provenance;
  /** Default: the file name without extension, or the directory name. */
  name?: string;
  /** Default: the first 12 characters of the commit, else `0.0.0-local`. */
  version?: string;
  storageUri?: string;
  /** ed25519 private key; when given the manifest is signed. */
  signKey?: KeyInput;
  /**
   * Files larger than this many bytes also get sharded SHA-256 digests (`shards`, SPEC.md §2), so
   * a verifier hashes one huge file on every core.
   */
  shardSize?: number;
  concurrency?: number;
  onProgress?: HashProgress;
  onStart?: (totalBytes: number) => void;
}

export interface CreatedManifest {
  manifest: ModelshipManifest;
  /** The directory the manifest's paths are relative to. */
  root: string;
}

async function listModelFiles(path: string): Promise<{ root: string; files: WalkedFile[] }> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw new ManifestInputError(
      ManifestErrorCode.MODEL_UNREADABLE,
      `cannot read model ${path} (${(error as NodeJS.ErrnoException).code}); pass an existing file or directory`,
      { path, cause: error },
    );
  }
  if (info.isFile()) {
    return { root: dirname(path), files: [{ path: basename(path), absolutePath: path, size: info.size }] };
  }
  const skip = (relative: string) =>
    relative === modelshipManifestFileName || relative === algorithmiaManifestFileName;
  const files = await walkFiles(path, skip);
  if (files.length === 0) {
    throw new ManifestInputError(
      ManifestErrorCode.MODEL_UNREADABLE,
      `${path} contains no files to put in a manifest`,
      {
        path,
      },
    );
  }
  return { root: path, files };
}

/** Hashes a model file or directory and describes it, with its provenance, as a modelship v1 manifest. */
export async function createManifest(options: CreateManifestOptions): Promise<CreatedManifest> {
  const algorithms = assertDigestAlgorithms(options.algorithms ?? ['md5', 'sha256']);
  const path = resolve(options.path);
  const provenancePromise =
    options.provenance === undefined || options.provenance === 'auto'
      ? captureProvenance(options)
      : Promise.resolve(options.provenance);
  const { root, files } = await listModelFiles(path);
  const sizes = files.map((file) => file.size);
  options.onStart?.(sizes.reduce((sum, size) => sum + size, 0));
  const shardSize = options.shardSize;
  if (shardSize !== undefined && !(Number.isSafeInteger(shardSize) && shardSize > 0)) {
    throw new ManifestInputError(
      ManifestErrorCode.INVALID_OPTIONS,
      `shardSize must be a positive integer, got ${shardSize}`,
    );
  }
  const shards = files.flatMap((file, index) => {
    if (shardSize === undefined || file.size <= shardSize) return [];
    const ranges = [];
    for (let start = 0; start < file.size; start += shardSize) {
      ranges.push({ index, source: file.absolutePath, start, end: Math.min(start + shardSize, file.size) });
    }
    return ranges;
  });
  const [digests, shardDigests] = await Promise.all([
    hashFiles(
      files.map((file) => file.absolutePath),
      algorithms,
      { sizes, concurrency: options.concurrency, onProgress: options.onProgress },
    ),
    hashFiles(shards, ['sha256'], {
      sizes: shards.map((shard) => shard.end - shard.start),
      concurrency: options.concurrency,
    }),
  ]);
  const entries: ModelshipManifest['files'] = files.map((file, index) => ({
    path: file.path,
    ...digests[index]!,
  }));
  shards.forEach((shard, i) => {
    const entry = entries[shard.index]!;
    entry.shards ??= { size: shardSize!, sha256: [] };
    entry.shards.sha256.push(shardDigests[i]!.sha256!);
  });
  const aggregate = aggregateAlgorithmFor(entries);
  const provenance = await provenancePromise;
  const single = files.length === 1 && root !== path;
  let manifest: ModelshipManifest = {
    schema: modelshipSchemaId,
    name: options.name ?? (single ? basename(path).replace(/\.[^.]+$/, '') : basename(path)),
    version: options.version ?? (provenance.commit ? provenance.commit.slice(0, 12) : '0.0.0-local'),
    files: entries,
    digest: { algorithm: aggregate, value: aggregateDigest(entries, aggregate) },
    provenance,
    ...(options.storageUri ? { storage: { uri: options.storageUri } } : {}),
  };
  if (options.signKey !== undefined) manifest = signManifest(manifest, options.signKey);
  return { manifest, root };
}
