import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { DigestAlgorithm } from './algorithms.js';
import { readBufferSize } from './constants.js';
import type { FileDigests, HashFilesOptions } from './hash.js';
import { type HashJob, hashJobSync } from './hash-sync.js';
import type { HashBatchRequest, HashWorkerMessage } from './hash-worker.js';

/** Below this much work, starting workers (~40 ms each here) costs more than it saves. */
const minPoolBytes = 32 << 20;
/**
 * From this many files the pool pays off whatever their size: a small file costs ~15 µs (open,
 * read, hash, close), so 2,000 of them are several worker start-ups' worth of work.
 */
const minPoolFiles = 2000;
/** Few files per batch keeps the workers balanced; at most this many keeps messages rare. */
const maxBatchFiles = 256;
/**
 * Workers outlive a call by this long, so a process that hashes again soon (a server verifying
 * each model it loads, a CI step stamping several) does not pay their start-up and warm-up again.
 */
const idleMilliseconds = 2000;

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

function poolAvailable(concurrency?: number): boolean {
  return (concurrency ?? defaultConcurrency()) > 1 && resolveWorkerFile() !== null;
}

/** Whether so many files are worth spreading over the pool, however small each one is. */
export function shouldPoolAll(fileCount: number, concurrency?: number): boolean {
  return fileCount >= minPoolFiles && poolAvailable(concurrency);
}

/** Whether a pool pays off for files of these sizes (only files larger than one read reach it). */
export function shouldUsePool(sizes: readonly number[], concurrency?: number): boolean {
  if (sizes.length < 2 || !poolAvailable(concurrency)) return false;
  let total = 0;
  for (const size of sizes) total += size;
  return total >= minPoolBytes;
}

interface PendingBatch {
  onMessage(message: HashWorkerMessage): void;
  onFailure(error: Error): void;
}

/** A worker kept between calls; referenced (keeping the process alive) only while it has work. */
class PooledWorker {
  readonly pending = new Map<number, PendingBatch>();
  online = false;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly worker: Worker,
    private readonly retire: (pooled: PooledWorker) => void,
  ) {
    worker.once('online', () => {
      this.online = true;
    });
    worker.on('message', (message: HashWorkerMessage) => {
      const batch = this.pending.get(message.id);
      if (message.type !== 'progress') this.settle(message.id);
      batch?.onMessage(message);
    });
    const fail = (error: Error) => {
      this.retire(this);
      for (const batch of this.pending.values()) batch.onFailure(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`hash worker exited with code ${code}`)));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
  }

  send(request: HashBatchRequest, batch: PendingBatch): void {
    clearTimeout(this.idleTimer);
    if (this.pending.size === 0) this.worker.ref();
    this.pending.set(request.id, batch);
    this.worker.postMessage(request);
  }

  private settle(id: number): void {
    this.pending.delete(id);
    if (this.pending.size > 0) return;
    this.worker.unref();
    this.idleTimer = setTimeout(() => {
      this.retire(this);
      void this.worker.terminate();
    }, idleMilliseconds).unref();
  }
}

const pool: PooledWorker[] = [];
let nextRequestId = 0;

function workersFor(file: string, count: number): PooledWorker[] {
  const { Worker } = workerThreads!;
  const retire = (pooled: PooledWorker) => {
    const index = pool.indexOf(pooled);
    if (index >= 0) pool.splice(index, 1);
  };
  // execArgv: [] — flags of the parent such as --input-type or --eval would stop a file worker.
  while (pool.length < count) pool.push(new PooledWorker(new Worker(file, { execArgv: [] }), retire));
  // The least busy first, so concurrent calls spread over the pool.
  return [...pool].sort((a, b) => a.pending.size - b.pending.size).slice(0, count);
}

let workerThreads: typeof import('node:worker_threads') | undefined;

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

/**
 * Hashes `jobs` (files, descriptors or shards) on the worker_threads pool; resolves null when no
 * worker file is available.
 * This thread takes batches from the same queue until a worker is up, or with `thisThreadToo`
 * until the end (then one worker fewer is used: this thread is one of them).
 */
export async function hashInPool(
  jobs: readonly HashJob[],
  algorithms: DigestAlgorithm[],
  options: HashFilesOptions,
  thisThreadToo = false,
): Promise<FileDigests[] | null> {
  const file = resolveWorkerFile();
  if (file === null) return null;
  workerThreads ??= await import('node:worker_threads');
  const concurrency = Math.max(1, options.concurrency ?? defaultConcurrency());
  const batches = batchesOf(jobs.length, concurrency);
  const workers = workersFor(
    file,
    Math.max(1, Math.min(concurrency - (thisThreadToo ? 1 : 0), batches.length)),
  );
  options.onWorkers?.(workers.length);
  const results: FileDigests[] = new Array(jobs.length);
  let next = 0;
  let failure: Error | undefined;

  const onWorker = (pooled: PooledWorker) =>
    new Promise<void>((resolve, reject) => {
      let inFlight = 0;
      const send = () => {
        const batch = batches[next];
        if (batch === undefined || failure) return inFlight === 0 ? resolve() : undefined;
        const id = nextRequestId++;
        next += 1;
        inFlight += 1;
        pooled.send(
          { id, jobs: batch.map((index) => jobs[index]!), algorithms },
          {
            onMessage: (message) => {
              if (message.type === 'progress') return options.onProgress?.(message.bytes);
              inFlight -= 1;
              if (message.type === 'error') {
                failure = workerError(message.error);
                return reject(failure);
              }
              batch.forEach((index, i) => {
                results[index] = message.results[i]!;
              });
              send();
            },
            onFailure: (error) => {
              failure = error;
              reject(error);
            },
          },
        );
      };
      // A second batch queued behind the first keeps the worker busy while this thread, which
      // hands out the next one, is itself busy hashing.
      send();
      send();
    });

  // Yielding between batches lets the workers' messages through.
  const help = async () => {
    const buffer = Buffer.allocUnsafe(readBufferSize);
    while ((thisThreadToo || !workers.some((pooled) => pooled.online)) && next < batches.length) {
      if (failure) return;
      for (const index of batches[next++]!) {
        results[index] = hashJobSync(jobs[index]!, algorithms, buffer, options.onProgress);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all([...workers.map(onWorker), help()]);
  return results;
}
