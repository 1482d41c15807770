#!/usr/bin/env node
// The least a Node verifier can take on this machine: a bare process whose worker threads (one per
// core) read one file's equal parts with 1 MiB positional reads and SHA-256 them, nothing else —
// no manifest, no pool, no checks. bench/manifest-huge.mjs times it against modelship's sharded
// verify, to show how far that is from the hardware.
//   node bench/sha256-floor.mjs FILE
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

if (isMainThread) {
  const file = process.argv[2];
  const fd = openSync(file, 'r');
  const size = fstatSync(fd).size;
  closeSync(fd);
  const threads = availableParallelism();
  const part = Math.ceil(size / threads);
  await Promise.all(
    Array.from({ length: threads }, (_, i) => {
      const range = { file, start: i * part, end: Math.min(size, (i + 1) * part) };
      const worker = new Worker(new URL(import.meta.url), { workerData: range });
      return new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
    }),
  );
} else {
  const { file, start, end } = workerData;
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const hash = createHash('sha256');
  for (let position = start; position < end; ) {
    const read = readSync(fd, buffer, 0, Math.min(buffer.length, end - position), position);
    if (read === 0) break;
    hash.update(buffer.subarray(0, read));
    position += read;
  }
  parentPort.postMessage(hash.digest('hex'));
}
