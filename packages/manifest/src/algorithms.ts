import { ManifestErrorCode, ManifestInputError } from './errors.js';

/** Digest algorithms a manifest can carry, weakest first. */
export const digestAlgorithms = ['md5', 'sha256'] as const;
export type DigestAlgorithm = (typeof digestAlgorithms)[number];

/** What `verifyModel` checks: one algorithm, every one present, or the strongest present (default). */
export const verifyAlgorithms = ['md5', 'sha256', 'all', 'strongest'] as const;
export type VerifyAlgorithm = (typeof verifyAlgorithms)[number];

export const hexLength: Record<DigestAlgorithm, number> = { md5: 32, sha256: 64 };

export function isDigestAlgorithm(value: unknown): value is DigestAlgorithm {
  return value === 'md5' || value === 'sha256';
}

export function assertDigestAlgorithms(values: readonly string[], where = 'algorithms'): DigestAlgorithm[] {
  if (values.length === 0) {
    throw new ManifestInputError(
      ManifestErrorCode.UNKNOWN_ALGORITHM,
      `${where} is empty; give at least one of ${digestAlgorithms.join(', ')}`,
    );
  }
  for (const value of values) {
    if (!isDigestAlgorithm(value)) {
      throw new ManifestInputError(
        ManifestErrorCode.UNKNOWN_ALGORITHM,
        `${where} contains unknown algorithm "${value}"; supported: ${digestAlgorithms.join(', ')}`,
      );
    }
  }
  return digestAlgorithms.filter((name) => values.includes(name));
}

export function assertVerifyAlgorithm(value: string): VerifyAlgorithm {
  if (!(verifyAlgorithms as readonly string[]).includes(value)) {
    throw new ManifestInputError(
      ManifestErrorCode.UNKNOWN_ALGORITHM,
      `algorithm "${value}" is unknown; use one of ${verifyAlgorithms.join(', ')}`,
    );
  }
  return value as VerifyAlgorithm;
}
