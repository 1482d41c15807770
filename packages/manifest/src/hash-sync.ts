import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { DigestAlgorithm } from './algorithms.js';
import type { FileDigests } from './hash.js';

/**
 * Synchronous single-pass hashing for worker threads, where blocking is free and skipping the
 * libuv round trip per read makes small files several times cheaper.
 */
export function hashFileSync(
  path: string,
  algorithms: readonly DigestAlgorithm[],
  buffer: Buffer,
  onBytes?: (bytes: number) => void,
): FileDigests {
  const hashes = algorithms.map((name) => [name, createHash(name)] as const);
  const fd = openSync(path, 'r');
  let size = 0;
  try {
    for (;;) {
      const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      for (const [, hash] of hashes) hash.update(chunk);
      size += bytesRead;
      onBytes?.(bytesRead);
    }
  } finally {
    closeSync(fd);
  }
  const result: FileDigests = { size };
  for (const [name, hash] of hashes) result[name] = hash.digest('hex');
  return result;
}
