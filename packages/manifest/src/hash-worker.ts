// Entry point of a hashing worker thread (emitted by tsup as dist/hash-worker.js).
import { parentPort } from 'node:worker_threads';
import type { DigestAlgorithm } from './algorithms.js';
import { readBufferSize } from './constants.js';
import { hashFileSync } from './hash-sync.js';

export interface HashBatchRequest {
  id: number;
  paths: string[];
  algorithms: DigestAlgorithm[];
}

const buffer = Buffer.allocUnsafe(readBufferSize);
/** Progress is batched so a 10,000-file set does not become 10,000 messages. */
const progressEvery = 16 * readBufferSize;

parentPort?.on('message', (request: HashBatchRequest) => {
  let unreported = 0;
  const onBytes = (bytes: number) => {
    unreported += bytes;
    if (unreported >= progressEvery) {
      parentPort!.postMessage({ type: 'progress', bytes: unreported });
      unreported = 0;
    }
  };
  try {
    const results = request.paths.map((path) => hashFileSync(path, request.algorithms, buffer, onBytes));
    if (unreported > 0) parentPort!.postMessage({ type: 'progress', bytes: unreported });
    parentPort!.postMessage({ type: 'done', id: request.id, results });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException;
    parentPort!.postMessage({
      type: 'error',
      id: request.id,
      error: { message: failure.message, code: failure.code, path: failure.path },
    });
  }
});
