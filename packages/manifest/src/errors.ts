// Self-contained error classes: they carry the same `Symbol.for('modelship.error')` marker as
// @modelship/core's base class, so `ModelshipError.isInstance()` recognises them without this
// package importing core (dependencies point one way: manifest ← core).

const modelshipErrorMarker = Symbol.for('modelship.error');

export const ManifestErrorCode = {
  /** The manifest file is not valid JSON. */
  MALFORMED_JSON: 'MANIFEST_MALFORMED_JSON',
  /** A field is missing or has the wrong type or shape; `jsonPath` names it. */
  INVALID_FIELD: 'MANIFEST_INVALID_FIELD',
  /** The JSON is neither a modelship v1 nor an Algorithmia manifest. */
  UNKNOWN_FORMAT: 'MANIFEST_UNKNOWN_FORMAT',
  /** The manifest file could not be read. */
  MANIFEST_UNREADABLE: 'MANIFEST_UNREADABLE',
  /** A file path is absolute, contains `..`, or contains control characters. */
  UNSAFE_PATH: 'MANIFEST_UNSAFE_PATH',
  /** A file (or the model root) is a symlink resolving outside the model root. */
  SYMLINK_ESCAPE: 'MANIFEST_SYMLINK_ESCAPE',
  /** An algorithm name that is not md5, sha256, all or strongest. */
  UNKNOWN_ALGORITHM: 'MANIFEST_UNKNOWN_ALGORITHM',
  /** The requested algorithm has no digest in the manifest (e.g. sha256 for an Algorithmia manifest). */
  ALGORITHM_UNAVAILABLE: 'MANIFEST_ALGORITHM_UNAVAILABLE',
  /** A model file exists but cannot be read (permissions, a directory where a file is expected...). */
  MODEL_UNREADABLE: 'MODEL_UNREADABLE',
  /** Wrong or conflicting options (CLI usage, missing root/model, unreadable key file...). */
  INVALID_OPTIONS: 'MANIFEST_INVALID_OPTIONS',
  /** A key file is not an ed25519 key (or, for OMS bundles, not an ECDSA P-256/384/521 key). */
  INVALID_KEY: 'MANIFEST_INVALID_KEY',
  /** A file's size differs from the manifest (reported before hashing). */
  SIZE_MISMATCH: 'MODEL_SIZE_MISMATCH',
  /** A file's digest differs from the manifest. */
  DIGEST_MISMATCH: 'MODEL_DIGEST_MISMATCH',
  /** A file listed in the manifest is absent. */
  FILE_MISSING: 'MODEL_FILE_MISSING',
  /** Strict mode: a file under the root is not listed in the manifest. */
  FILE_EXTRA: 'MODEL_FILE_EXTRA',
  /** Several kinds of integrity failure at once; see `issues`. */
  MULTIPLE_FAILURES: 'MODEL_MULTIPLE_FAILURES',
  /** The aggregate digest does not match the file entries of the manifest. */
  AGGREGATE_MISMATCH: 'MANIFEST_AGGREGATE_MISMATCH',
  /** The signature does not verify with the given (or embedded) public key. */
  SIGNATURE_INVALID: 'MANIFEST_SIGNATURE_INVALID',
  /** A public key was given but the manifest carries no signature. */
  SIGNATURE_MISSING: 'MANIFEST_SIGNATURE_MISSING',
} as const;

export type ManifestErrorCode = (typeof ManifestErrorCode)[keyof typeof ManifestErrorCode];

function hasMarker(value: unknown): value is { name: string; code: string } {
  return typeof value === 'object' && value !== null && modelshipErrorMarker in value;
}

export interface ManifestErrorOptions {
  cause?: unknown;
  isRetryable?: boolean;
}

/** Base of this package's errors; `code` is one of {@link ManifestErrorCode}. */
export class ManifestError extends Error {
  readonly [modelshipErrorMarker] = true;
  readonly code: ManifestErrorCode;
  readonly isRetryable: boolean;

  constructor(code: ManifestErrorCode, message: string, options: ManifestErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ManifestError';
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
  }

  /** True for any modelship error, even from a duplicated copy of this package. */
  static isInstance(value: unknown): value is ManifestError {
    return hasMarker(value);
  }
}

/** The manifest (or an option about it) is malformed; `jsonPath` names the field, e.g. `files[3].sha256`. */
export class ManifestFormatError extends ManifestError {
  readonly jsonPath: string | undefined;
  readonly file: string | undefined;

  constructor(
    code: ManifestErrorCode,
    message: string,
    details: { jsonPath?: string; file?: string } & ManifestErrorOptions = {},
  ) {
    super(code, message, details);
    this.name = 'ManifestFormatError';
    this.jsonPath = details.jsonPath;
    this.file = details.file;
  }

  static override isInstance(value: unknown): value is ManifestFormatError {
    return hasMarker(value) && value.name === 'ManifestFormatError';
  }
}

/** Bad input that is not the manifest's format: options, unreadable files, symlinks escaping the root. */
export class ManifestInputError extends ManifestError {
  readonly path: string | undefined;

  constructor(
    code: ManifestErrorCode,
    message: string,
    details: { path?: string } & ManifestErrorOptions = {},
  ) {
    super(code, message, details);
    this.name = 'ManifestInputError';
    this.path = details.path;
  }

  static override isInstance(value: unknown): value is ManifestInputError {
    return hasMarker(value) && value.name === 'ManifestInputError';
  }
}

export type IntegrityIssueCode =
  | typeof ManifestErrorCode.SIZE_MISMATCH
  | typeof ManifestErrorCode.DIGEST_MISMATCH
  | typeof ManifestErrorCode.FILE_MISSING
  | typeof ManifestErrorCode.FILE_EXTRA;

export interface IntegrityIssue {
  code: IntegrityIssueCode;
  /** POSIX path relative to the model root. */
  path: string;
  algorithm?: 'md5' | 'sha256';
  expected?: string | number;
  actual?: string | number;
  /** For a sharded digest: the byte range [start, end) that differs. */
  shard?: { start: number; end: number };
}

export function describeIssue(issue: IntegrityIssue): string {
  switch (issue.code) {
    case ManifestErrorCode.SIZE_MISMATCH:
      return `${issue.path}: size ${issue.actual} bytes, manifest says ${issue.expected}`;
    case ManifestErrorCode.DIGEST_MISMATCH:
      return (
        `${issue.path}${issue.shard ? ` bytes [${issue.shard.start}, ${issue.shard.end})` : ''}: ` +
        `${issue.algorithm} expected ${issue.expected}, actual ${issue.actual}`
      );
    case ManifestErrorCode.FILE_MISSING:
      return `${issue.path}: missing (listed in the manifest)`;
    default:
      return `${issue.path}: extra file not listed in the manifest (strict mode)`;
  }
}

/** The model on disk (or the manifest's own signature/aggregate) does not match the manifest. */
export class ModelIntegrityError extends ManifestError {
  readonly issues: readonly IntegrityIssue[];

  constructor(
    issues: readonly IntegrityIssue[],
    options: { code?: ManifestErrorCode; message?: string } = {},
  ) {
    const codes = new Set(issues.map((issue) => issue.code));
    const code =
      options.code ??
      (codes.size === 1 ? [...codes][0]! : (ManifestErrorCode.MULTIPLE_FAILURES as ManifestErrorCode));
    const message =
      options.message ??
      `model integrity check failed for ${issues.length} file${issues.length === 1 ? '' : 's'}:\n` +
        issues.map((issue) => `  ${describeIssue(issue)}`).join('\n') +
        '\nthe model on disk is not the one the manifest describes; do not load it — re-download it or rebuild the manifest';
    super(code, message);
    this.name = 'ModelIntegrityError';
    this.issues = issues;
  }

  static override isInstance(value: unknown): value is ModelIntegrityError {
    return hasMarker(value) && value.name === 'ModelIntegrityError';
  }
}
