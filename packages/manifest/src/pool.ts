import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { DigestAlgorithm } from './algorithms.js';
import { readBufferSize } from './constants.js';
import type { FileDigests, HashFilesOptions } from './hash.js';
import { hashFileSync } from './hash-sync.js';
import type { HashBatchRequest } from './hash-worker.js';

/** Below this much work, starting workers (~20-50 ms each) costs more than it saves. */
const minPoolBytes = 32 << 20;
/** Few files per batch keeps the workers balanced; at most this many keeps messages rare. */
const maxBatchFiles = 256;

let workerFile: string | null | undefined;

/**
 * The worker entry exists only in the built package (dist/hash-worker.js). Running from
 * TypeScript sources (tests, bundlers that inline us) falls back to hashing in this thread.
 */
export function resolveWorkerFile(): string | null {
  if (workerFile === undefined) {
    const candidate = new URL('./hash-worker.js', import.meta.url);
    workerFile = candidate.protocol === 'file:' && existsSync(candidate) ? fileURLToPath(candidate) : null;
  }
  return workerFile;
}

export function defaultConcurrency(): number {
  return availableParallelism();
}

/** Whether a pool pays off for files of these sizes (only files larger than one read reach it). */
export function shouldUsePool(sizes: readonly number[], concurrency?: number): boolean {
  if ((concurrency ?? defaultConcurrency()) <= 1 || sizes.length < 2 || resolveWorkerFile() === null)
    return false;
  let total = 0;
  for (const size of sizes) total += size;
  return total >= minPoolBytes;
}

function batchesOf(count: number, workers: number): number[][] {
  const perBatch = Math.max(1, Math.min(maxBatchFiles, Math.ceil(count / (workers * 8))));
  const batches: number[][] = [];
  for (let start = 0; start < count; start += perBatch) {
    batches.push(Array.from({ length: Math.min(perBatch, count - start) }, (_, i) => start + i));
  }
  return batches;
}

function workerError(error: { message: string; code?: string; path?: string }): Error {
  return Object.assign(new Error(error.message), { code: error.code, path: error.path });
}

/** Hashes `paths` on a pool of worker threads; resolves null when no worker file is available. */
export async function hashInPool(
  paths: readonly string[],
  algorithms: DigestAlgorithm[],
  options: HashFilesOptions,
): Promise<FileDigests[] | null> {
  const file = resolveWorkerFile();
  if (file === null) return null;
  const { Worker } = await import('node:worker_threads');
  const concurrency = Math.max(1, options.concurrency ?? defaultConcurrency());
  const batches = batchesOf(paths.length, concurrency);
  const workers: Worker[] = Array.from(
    { length: Math.min(concurrency, batches.length) },
    // execArgv: [] — flags of the parent such as --input-type or --eval would stop a file worker.
    () => new Worker(file, { execArgv: [] }),
  );
  options.onWorkers?.(workers.length);
  const results: FileDigests[] = new Array(paths.length);
  let next = 0;
  let online = 0;
  for (const worker of workers) worker.once('online', () => online++);
  // Starting a worker takes tens of milliseconds; this thread hashes batches until one is up,
  // yielding between batches so the workers' messages get through.
  const helpWhileStarting = async () => {
    const buffer = Buffer.allocUnsafe(readBufferSize);
    while (online === 0 && next < batches.length) {
      for (const index of batches[next++]!) {
        results[index] = hashFileSync(paths[index]!, algorithms, buffer, options.onProgress);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  try {
    await Promise.all([
      ...workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              const batch = batches[next];
              if (batch === undefined) return resolve();
              const request: HashBatchRequest = {
                id: next++,
                paths: batch.map((index) => paths[index]!),
                algorithms,
              };
              worker.postMessage(request);
            };
            worker.on('message', (message) => {
              if (message.type === 'progress') return options.onProgress?.(message.bytes);
              if (message.type === 'error') return reject(workerError(message.error));
              const batch = batches[message.id]!;
              batch.forEach((index, i) => {
                results[index] = message.results[i];
              });
              send();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => {
              if (code !== 0) reject(new Error(`hash worker exited with code ${code}`));
            });
            send();
          }),
      ),
      helpWhileStarting(),
    ]);
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return results;
}
