// Entry point of a hashing worker thread (emitted by tsup as dist/hash-worker.js). Jobs may name
// file descriptors: threads share the process's descriptor table.
import { parentPort } from 'node:worker_threads';
import type { DigestAlgorithm } from './algorithms.js';
import { readBufferSize } from './constants.js';
import type { FileDigests } from './hash.js';
import { type HashJob, hashJobSync } from './hash-sync.js';

export interface HashBatchRequest {
  id: number;
  jobs: HashJob[];
  algorithms: DigestAlgorithm[];
}

export type HashWorkerMessage =
  | { type: 'progress'; id: number; bytes: number }
  | { type: 'done'; id: number; results: FileDigests[] }
  | { type: 'error'; id: number; error: { message: string; code?: string; path?: string } };

const buffer = Buffer.allocUnsafe(readBufferSize);
/** Progress is batched so a 10,000-file set does not become 10,000 messages. */
const progressEvery = 16 * readBufferSize;

const post = (message: HashWorkerMessage) => parentPort!.postMessage(message);

parentPort?.on('message', ({ id, jobs, algorithms }: HashBatchRequest) => {
  let unreported = 0;
  const onBytes = (bytes: number) => {
    unreported += bytes;
    if (unreported >= progressEvery) {
      post({ type: 'progress', id, bytes: unreported });
      unreported = 0;
    }
  };
  try {
    const results = jobs.map((job) => hashJobSync(job, algorithms, buffer, onBytes));
    if (unreported > 0) post({ type: 'progress', id, bytes: unreported });
    post({ type: 'done', id, results });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException;
    post({ type: 'error', id, error: { message: failure.message, code: failure.code, path: failure.path } });
  }
});
