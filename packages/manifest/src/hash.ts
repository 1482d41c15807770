import type { Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { assertDigestAlgorithms, type DigestAlgorithm } from './algorithms.js';
import { readBufferSize } from './constants.js';
import { type HashJob, hashJobSync, hashSmallFileSync } from './hash-sync.js';
import { nodeCrypto } from './lazy-crypto.js';
import { hashInPool, shouldPoolAll, shouldUsePool } from './pool.js';

export type { HashJob };
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
  const hashes = new Map(names.map((name) => [name, nodeCrypto().createHash(name)] as const));
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

/** Files this many at a time between yields of the event loop in the in-thread phase. */
const yieldEvery = 256;

/**
 * Hashes many files (paths, or jobs naming an open descriptor or a shard); results come back in
 * the order of `sources`. Files that fit in one 1 MiB read are hashed in this thread (for them
 * syscalls dominate, and a fresh worker isolate is slower than this warm thread); larger files go
 * to a worker_threads pool when there is enough work to repay starting it, else are streamed here.
 */
export async function hashFiles(
  sources: readonly (string | HashJob)[],
  algorithms: readonly DigestAlgorithm[] = ['md5', 'sha256'],
  options: HashFilesOptions & { sizes?: readonly number[] } = {},
): Promise<FileDigests[]> {
  const names = assertDigestAlgorithms(algorithms);
  const jobs = sources.map((source) => (typeof source === 'string' ? { source } : source));
  if (shouldPoolAll(jobs.length, options.concurrency)) {
    const pooled = await hashInPool(jobs, names, options, true);
    if (pooled) return pooled;
  }
  const results: FileDigests[] = new Array(jobs.length);
  const large: number[] = [];
  const largeSizes: number[] = [];
  let pooled: Promise<void> | undefined;
  const startPool = () => {
    if (!shouldUsePool(largeSizes, options.concurrency)) return undefined;
    return hashInPool(
      large.map((index) => jobs[index]!),
      names,
      options,
    ).then((digests) => {
      if (!digests) return hashInThread(large);
      large.forEach((index, i) => {
        results[index] = digests[i]!;
      });
    });
  };
  const hashInThread = async (indices: number[]) => {
    const buffer = Buffer.allocUnsafe(readBufferSize);
    for (const index of indices) {
      const job = jobs[index]!;
      results[index] =
        typeof job.source === 'string' && job.start === undefined && job.end === undefined
          ? await hashFile(job.source, names, options.onProgress)
          : hashJobSync(job, names, buffer, options.onProgress);
    }
  };
  const isRange = (job: HashJob) => job.start !== undefined || job.end !== undefined;

  // Known sizes (createManifest, verifyModel): start the pool on the large files first, so it
  // works while this thread hashes the small ones.
  const sizes = options.sizes;
  if (sizes) {
    sizes.forEach((size, index) => {
      if (size >= readBufferSize || isRange(jobs[index]!)) {
        large.push(index);
        largeSizes.push(size);
      }
    });
    pooled = startPool();
    // Awaited below; until then a worker failure must not surface as an unhandled rejection.
    pooled?.catch(() => {});
  }
  const buffer = Buffer.allocUnsafe(readBufferSize);
  for (const [index, job] of jobs.entries()) {
    if (sizes && (sizes[index]! >= readBufferSize || isRange(job))) continue;
    const result = isRange(job)
      ? { size: (job.end ?? 0) - (job.start ?? 0), large: true as const }
      : hashSmallFileSync(job.source, names, buffer);
    if ('large' in result) {
      large.push(index);
      largeSizes.push(result.size);
    } else {
      results[index] = result;
      options.onProgress?.(result.size);
    }
    if (index % yieldEvery === yieldEvery - 1) await new Promise((resolve) => setImmediate(resolve));
  }
  if (!sizes) pooled = startPool();
  await (pooled ?? hashInThread(large));
  return results;
}
