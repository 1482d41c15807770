import { createHash, type Hash } from 'node:crypto';
import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { assertDigestAlgorithms, type DigestAlgorithm } from './algorithms.js';
import { readBufferSize } from './constants.js';
import { hashFileSync } from './hash-sync.js';
import { hashInPool, shouldUsePool, sizesOf } from './pool.js';

export { readBufferSize };

export interface FileDigests {
  size: number;
  md5?: string;
  sha256?: string;
}

export type HashProgress = (bytesDone: number) => void;

function finish(hashes: Map<DigestAlgorithm, Hash>, size: number): FileDigests {
  const result: FileDigests = { size };
  for (const [name, hash] of hashes) result[name] = hash.digest('hex');
  return result;
}

/**
 * Hashes one file with every requested algorithm in a single read pass. The next read is issued
 * before the current chunk is hashed, so disk reads and hashing overlap.
 */
export async function hashFile(
  path: string,
  algorithms: readonly DigestAlgorithm[] = ['md5', 'sha256'],
  onProgress?: HashProgress,
): Promise<FileDigests> {
  const names = assertDigestAlgorithms(algorithms);
  const hashes = new Map(names.map((name) => [name, createHash(name)] as const));
  const handle = await open(path, 'r');
  try {
    let buffers = [Buffer.allocUnsafe(readBufferSize), Buffer.allocUnsafe(readBufferSize)] as const;
    let size = 0;
    let pending = handle.read(buffers[0], 0, readBufferSize, null);
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const current = buffers[0];
      buffers = [buffers[1], buffers[0]];
      pending = handle.read(buffers[0], 0, readBufferSize, null);
      const chunk = current.subarray(0, bytesRead);
      for (const hash of hashes.values()) hash.update(chunk);
      size += bytesRead;
      onProgress?.(bytesRead);
    }
    return finish(hashes, size);
  } finally {
    await handle.close();
  }
}

export interface HashFilesOptions {
  /** Worker threads to use; default: the number of cores. 1 hashes in this thread. */
  concurrency?: number;
  /** Called with the bytes hashed since the last call. */
  onProgress?: HashProgress;
  /** Diagnostics: called with the number of worker threads when a pool is started. */
  onWorkers?: (count: number) => void;
}

/**
 * Hashes many files, in parallel on a worker_threads pool when there is enough work to repay
 * starting the workers. Results come back in the order of `paths`.
 */
export async function hashFiles(
  paths: readonly string[],
  algorithms: readonly DigestAlgorithm[] = ['md5', 'sha256'],
  options: HashFilesOptions & { sizes?: readonly number[] } = {},
): Promise<FileDigests[]> {
  const names = assertDigestAlgorithms(algorithms);
  if (paths.length === 0) return [];
  if (shouldUsePool(paths.length, options.sizes ?? sizesOf(paths), options.concurrency)) {
    const pooled = await hashInPool(paths, names, options);
    if (pooled) return pooled;
  }
  // In this thread: small files synchronously (one read, one hash call), large ones with async
  // reads so the event loop stays responsive.
  const sizes = options.sizes ?? paths.map((path) => statSync(path).size);
  const buffer = Buffer.allocUnsafe(readBufferSize);
  const results: FileDigests[] = [];
  for (const [index, path] of paths.entries()) {
    results.push(
      sizes[index]! < readBufferSize
        ? hashFileSync(path, names, buffer, options.onProgress)
        : await hashFile(path, names, options.onProgress),
    );
  }
  return results;
}
