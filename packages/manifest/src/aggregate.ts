import type { DigestAlgorithm } from './algorithms.js';
import { nodeCrypto } from './lazy-crypto.js';
import { compareUtf8 } from './paths.js';

export interface DigestedPath {
  path: string;
  md5?: string;
  sha256?: string;
}

/**
 * The aggregate digest of a model: the hash of the lines `<hex>  <path>\n` (the output format of
 * sha256sum/md5sum) of every file, sorted by the UTF-8 bytes of the path. Reproducible in a shell:
 * `LC_ALL=C sort -k2` the output of `sha256sum` over the files, then pipe it to `sha256sum`.
 */
export function aggregateDigest(files: readonly DigestedPath[], algorithm: DigestAlgorithm): string {
  const sorted = [...files].sort((a, b) => compareUtf8(a.path, b.path));
  const hash = nodeCrypto().createHash(algorithm);
  for (const file of sorted) {
    const digest = file[algorithm];
    if (digest === undefined) throw new Error(`aggregateDigest: ${file.path} has no ${algorithm} digest`);
    hash.update(`${digest}  ${file.path}\n`, 'utf8');
  }
  return hash.digest('hex');
}

/** sha256 when every file has one, else md5. */
export function aggregateAlgorithmFor(files: readonly DigestedPath[]): DigestAlgorithm {
  return files.every((file) => file.sha256 !== undefined) ? 'sha256' : 'md5';
}
