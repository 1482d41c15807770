import { lstat, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { cacheKey, type DigestCache } from './cache.js';
import { ManifestErrorCode, ManifestInputError } from './errors.js';
import type { FileDigests } from './hash.js';
import { isInside, symlinkEscape } from './walk.js';

/** The SHA-256 of the bytes [start, end) of a file. */
export interface ExpectedShard {
  start: number;
  end: number;
  sha256: string;
}

export interface ExpectedFile {
  path: string;
  absolutePath: string;
  size?: number;
  md5?: string;
  sha256?: string;
  /** Sharded digests (OMS `shards` method, modelship `shards`): hashed range by range, in parallel. */
  shards?: ExpectedShard[];
}

export type Inspection =
  | { kind: 'missing' }
  | { kind: 'size-mismatch'; size: number }
  | { kind: 'cached'; digests: FileDigests }
  | { kind: 'hash'; size: number; cacheKey?: string };

export function unreadable(path: string, cause: unknown): ManifestInputError {
  const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
  return new ManifestInputError(
    ManifestErrorCode.MODEL_UNREADABLE,
    `cannot read model file ${path} (${reason}); check that it is a readable regular file`,
    { path, cause },
  );
}

/** Resolves real paths of directories once each: 10,000 files in one folder cost one realpath. */
function realDirectories() {
  const known = new Map<string, Promise<string>>();
  return (directory: string) => {
    let real = known.get(directory);
    if (!real) {
      real = realpath(directory);
      known.set(directory, real);
    }
    return real;
  };
}

export interface InspectOptions {
  /** Real path of the model root; when set, files must resolve inside it. */
  realRoot?: string;
  root: string;
  cache?: DigestCache;
  /** Digests the check needs, per file; a cache entry must hold them all. */
  algorithms: readonly (readonly ('md5' | 'sha256')[])[];
}

/**
 * Everything verification learns before hashing: which files are missing, escape the root, are
 * not regular files, have the wrong size, or are already in the restart cache.
 */
export async function inspectFiles(
  files: readonly ExpectedFile[],
  options: InspectOptions,
): Promise<Inspection[]> {
  const realDirectory = realDirectories();
  const inspectOne = async (file: ExpectedFile, index: number): Promise<Inspection> => {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(file.absolutePath, { bigint: options.cache !== undefined });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
      throw unreadable(file.absolutePath, error);
    }
    if (options.realRoot !== undefined) {
      const link = (await lstat(file.absolutePath)).isSymbolicLink();
      const real = link ? await realpath(file.absolutePath) : await realDirectory(dirname(file.absolutePath));
      if (!isInside(options.realRoot, real)) throw symlinkEscape(file.absolutePath, real, options.root);
    }
    if (!info.isFile()) throw unreadable(file.absolutePath, new Error('not a regular file'));
    const size = Number(info.size);
    if (file.size !== undefined && size !== file.size) return { kind: 'size-mismatch', size };
    if (!options.cache) return { kind: 'hash', size };
    const key = cacheKey(info as never);
    const cached = options.cache.get(key);
    if (cached && options.algorithms[index]!.every((name) => cached[name] !== undefined)) {
      return { kind: 'cached', digests: cached };
    }
    return { kind: 'hash', size, cacheKey: key };
  };
  const results: Inspection[] = new Array(files.length);
  let next = 0;
  // A few stats in flight keep the libuv pool busy without queueing 10,000 requests at once.
  const lane = async () => {
    while (next < files.length) {
      const index = next++;
      results[index] = await inspectOne(files[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, files.length) }, lane));
  return results;
}
