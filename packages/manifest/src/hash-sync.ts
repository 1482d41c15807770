import * as crypto from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { DigestAlgorithm } from './algorithms.js';
import type { FileDigests } from './hash.js';

// One-shot crypto.hash() (Node ≥ 20.12) skips the Hash object: a third cheaper for small files.
const oneShot = (crypto as { hash?: (algorithm: string, data: Buffer, encoding: 'hex') => string }).hash;

/**
 * Synchronous single-pass hashing, for worker threads (where blocking is free) and for small
 * files. A file that fits the buffer is read whole and hashed in one call; a larger one streams.
 */
export function hashFileSync(
  path: string,
  algorithms: readonly DigestAlgorithm[],
  buffer: Buffer,
  onBytes?: (bytes: number) => void,
): FileDigests {
  const fd = openSync(path, 'r');
  try {
    const first = readSync(fd, buffer, 0, buffer.length, null);
    if (first < buffer.length) {
      // A regular file gives a short read only at its end; the extra read proves it (returns 0).
      const more = readSync(fd, buffer, first, buffer.length - first, null);
      if (more === 0) {
        const whole = buffer.subarray(0, first);
        const result: FileDigests = { size: first };
        for (const name of algorithms) {
          result[name] = oneShot
            ? oneShot(name, whole, 'hex')
            : crypto.createHash(name).update(whole).digest('hex');
        }
        onBytes?.(first);
        return result;
      }
      return streamRest(fd, algorithms, buffer, first + more, onBytes);
    }
    return streamRest(fd, algorithms, buffer, first, onBytes);
  } finally {
    closeSync(fd);
  }
}

function streamRest(
  fd: number,
  algorithms: readonly DigestAlgorithm[],
  buffer: Buffer,
  filled: number,
  onBytes?: (bytes: number) => void,
): FileDigests {
  const hashes = algorithms.map((name) => [name, crypto.createHash(name)] as const);
  let size = 0;
  let bytesRead = filled;
  while (bytesRead > 0) {
    const chunk = buffer.subarray(0, bytesRead);
    for (const [, hash] of hashes) hash.update(chunk);
    size += bytesRead;
    onBytes?.(bytesRead);
    bytesRead = readSync(fd, buffer, 0, buffer.length, null);
  }
  const result: FileDigests = { size };
  for (const [name, hash] of hashes) result[name] = hash.digest('hex');
  return result;
}
