import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { DigestAlgorithm } from './algorithms.js';
import type { FileDigests } from './hash.js';
import { nodeCrypto } from './lazy-crypto.js';

type OneShot = (algorithm: string, data: Buffer, encoding: 'hex') => string;

/**
 * Hashes a file that fits in `buffer` with one read and one hash call per algorithm. A larger
 * file is not hashed: the result is `{ size, large: true }` so the caller can stream it elsewhere.
 */
export function hashSmallFileSync(
  path: string,
  algorithms: readonly DigestAlgorithm[],
  buffer: Buffer,
): FileDigests | { size: number; large: true } {
  const fd = openSync(path, 'r');
  try {
    const whole = hashIfWhole(fd, algorithms, buffer);
    return typeof whole === 'number' ? { size: fstatSync(fd).size, large: true } : whole;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads `fd` into `buffer`; when that is the whole file, hashes it in one call per algorithm,
 * else returns how many bytes of `buffer` are filled.
 */
function hashIfWhole(
  fd: number,
  algorithms: readonly DigestAlgorithm[],
  buffer: Buffer,
): FileDigests | number {
  const first = readSync(fd, buffer, 0, buffer.length, null);
  if (first === buffer.length) return first;
  // A regular file gives a short read only at its end; the extra read proves it (returns 0).
  const more = readSync(fd, buffer, first, buffer.length - first, null);
  if (more !== 0) return first + more;
  const whole = buffer.subarray(0, first);
  const result: FileDigests = { size: first };
  const crypto = nodeCrypto();
  // One-shot crypto.hash() (Node ≥ 20.12) skips the Hash object: a third cheaper for small files.
  const oneShot = (crypto as { hash?: OneShot }).hash;
  for (const name of algorithms) {
    result[name] = oneShot
      ? oneShot(name, whole, 'hex')
      : crypto.createHash(name).update(whole).digest('hex');
  }
  return result;
}

/** Synchronous single-pass hashing of a file of any size (worker threads, where blocking is free). */
export function hashFileSync(
  path: string,
  algorithms: readonly DigestAlgorithm[],
  buffer: Buffer,
  onBytes?: (bytes: number) => void,
): FileDigests {
  const fd = openSync(path, 'r');
  try {
    const whole = hashIfWhole(fd, algorithms, buffer);
    if (typeof whole !== 'number') {
      onBytes?.(whole.size);
      return whole;
    }
    return streamRest(fd, algorithms, buffer, whole, onBytes);
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
  const hashes = algorithms.map((name) => [name, nodeCrypto().createHash(name)] as const);
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
