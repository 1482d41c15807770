import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { DigestAlgorithm } from './algorithms.js';
import type { FileDigests } from './hash.js';
import { nodeCrypto } from './lazy-crypto.js';

type OneShot = (algorithm: string, data: Buffer, encoding: 'hex') => string;

/**
 * What one hash covers: a path, or a file descriptor opened by the caller (read with positional
 * reads, so its file position is untouched, and left open), optionally only the bytes
 * [start, end) — one shard of a large file.
 */
export interface HashJob {
  source: string | number;
  start?: number;
  end?: number;
}

function withFd<T>(source: string | number, use: (fd: number) => T): T {
  if (typeof source === 'number') return use(source);
  const fd = openSync(source, 'r');
  try {
    return use(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Hashes a file that fits in `buffer` with one read and one hash call per algorithm. A larger
 * file is not hashed: the result is `{ size, large: true }` so the caller can stream it elsewhere.
 */
export function hashSmallFileSync(
  source: string | number,
  algorithms: readonly DigestAlgorithm[],
  buffer: Buffer,
): FileDigests | { size: number; large: true } {
  return withFd(source, (fd) => {
    const whole = hashIfWhole(fd, algorithms, buffer);
    return typeof whole === 'number' ? { size: fstatSync(fd).size, large: true } : whole;
  });
}

function oneShotDigests(whole: Buffer, algorithms: readonly DigestAlgorithm[]): FileDigests {
  const result: FileDigests = { size: whole.length };
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

/**
 * Reads `fd` from offset 0 into `buffer`; when that is the whole file, hashes it in one call per
 * algorithm, else returns how many bytes of `buffer` are filled.
 */
function hashIfWhole(
  fd: number,
  algorithms: readonly DigestAlgorithm[],
  buffer: Buffer,
): FileDigests | number {
  const first = readSync(fd, buffer, 0, buffer.length, 0);
  if (first === buffer.length) return first;
  // A regular file gives a short read only at its end; the extra read proves it (returns 0).
  const more = readSync(fd, buffer, first, buffer.length - first, first);
  if (more !== 0) return first + more;
  return oneShotDigests(buffer.subarray(0, first), algorithms);
}

/** Synchronous single-pass hashing of a file of any size (worker threads, where blocking is free). */
export function hashFileSync(
  source: string | number,
  algorithms: readonly DigestAlgorithm[],
  buffer: Buffer,
  onBytes?: (bytes: number) => void,
): FileDigests {
  return withFd(source, (fd) => {
    const whole = hashIfWhole(fd, algorithms, buffer);
    if (typeof whole !== 'number') {
      onBytes?.(whole.size);
      return whole;
    }
    return streamRange(fd, algorithms, buffer, 0, Number.POSITIVE_INFINITY, whole, onBytes);
  });
}

/** Hashes a whole file, or with `start`/`end` one shard of it. */
export function hashJobSync(
  job: HashJob,
  algorithms: readonly DigestAlgorithm[],
  buffer: Buffer,
  onBytes?: (bytes: number) => void,
): FileDigests {
  if (job.start === undefined && job.end === undefined) {
    return hashFileSync(job.source, algorithms, buffer, onBytes);
  }
  const start = job.start ?? 0;
  const end = job.end ?? Number.POSITIVE_INFINITY;
  return withFd(job.source, (fd) => streamRange(fd, algorithms, buffer, start, end, 0, onBytes));
}

/** Streams [start, end) through the hashes; `filled` bytes of `buffer` (from `start`) are already read. */
function streamRange(
  fd: number,
  algorithms: readonly DigestAlgorithm[],
  buffer: Buffer,
  start: number,
  end: number,
  filled: number,
  onBytes?: (bytes: number) => void,
): FileDigests {
  const hashes = algorithms.map((name) => [name, nodeCrypto().createHash(name)] as const);
  let position = start;
  const read = () => readSync(fd, buffer, 0, Math.min(buffer.length, end - position), position);
  let bytesRead = filled > 0 ? filled : read();
  while (bytesRead > 0) {
    const chunk = buffer.subarray(0, bytesRead);
    for (const [, hash] of hashes) hash.update(chunk);
    position += bytesRead;
    onBytes?.(bytesRead);
    bytesRead = position < end ? read() : 0;
  }
  const result: FileDigests = { size: position - start };
  for (const [name, hash] of hashes) result[name] = hash.digest('hex');
  return result;
}
