import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { aggregateDigest } from './aggregate.js';
import { assertVerifyAlgorithm, type DigestAlgorithm, type VerifyAlgorithm } from './algorithms.js';
import { algorithmiaManifestFileName, modelshipManifestFileName } from './constants.js';
import {
  type IntegrityIssue,
  ManifestErrorCode,
  ManifestFormatError,
  ManifestInputError,
  ModelIntegrityError,
} from './errors.js';
import type { HashProgress } from './hash.js';
import type { ExpectedFile, ExpectedShard } from './inspect-files.js';
import { readManifestText } from './manifest-io.js';
import {
  isKeylessOmsBundle,
  isOmsBundle,
  type OmsBundle,
  omsExpectations,
  omsIgnores,
  type ParsedOmsBundle,
  parseOmsBundle,
  verifyOmsBundle,
} from './oms.js';
import type { KeylessSigner } from './oms-keyless.js';
import type { AlgorithmiaManifest, ManifestFormat, ModelshipManifest } from './schemas.js';
import { type KeyInput, type SignatureStatus, verifyManifestSignature } from './signature.js';
import { parseManifestText, parseManifestValue } from './validate.js';
import { walkFiles } from './walk.js';

// Everything verification does before and after hashing, shared by verifyModel and openVerified.

/** `oms`: an OpenSSF Model Signing bundle (SPEC.md §8). */
export type VerifyFormat = ManifestFormat | 'oms';

export interface VerifyModelOptions {
  /**
   * Path of a manifest file (modelship, Algorithmia, or an OMS bundle such as `model.sig`, detected
   * by content), or an already-parsed manifest object.
   */
  manifest: string | ModelshipManifest | AlgorithmiaManifest | OmsBundle;
  /** Directory the manifest's paths are relative to; default: the manifest's directory. */
  root?: string;
  /** The local model file, for single-file manifests (an Algorithmia `model_filepath` is remote). */
  model?: string;
  /** Default `strongest`: sha256 where the manifest has it, else md5. */
  algorithm?: VerifyAlgorithm | (string & {});
  /** Also fail on files under the root that the manifest does not list (always on for OMS bundles). */
  strict?: boolean;
  /**
   * Trusted public key: ed25519 for modelship manifests (when given, the manifest must carry a valid
   * signature); ECDSA P-256/384/521 for OMS bundles (required for them).
   */
  publicKey?: KeyInput;
  /** Keyless OMS bundles: the signer identity required in the certificate. */
  certificateIdentity?: string;
  /** Keyless OMS bundles: the OIDC issuer required in the certificate. */
  certificateOidcIssuer?: string;
  /** Keyless OMS bundles: Sigstore trusted_root.json (path or parsed), checked offline. */
  trustedRoot?: string | Record<string, unknown>;
  /** Path of a restart cache of digests keyed by (device, inode, size, mtime). Off by default. */
  cache?: string;
  concurrency?: number;
  onProgress?: HashProgress;
  /** Called once the total number of bytes to hash is known (before hashing starts). */
  onStart?: (totalBytes: number) => void;
}

export interface VerifiedFile {
  path: string;
  size: number;
  algorithms: DigestAlgorithm[];
  md5?: string;
  sha256?: string;
  /** How many sharded SHA-256 digests were checked (sharded files only; then `sha256` is absent). */
  shards?: number;
  fromCache: boolean;
}

export interface VerifyReport {
  ok: true;
  format: VerifyFormat;
  manifestPath: string | undefined;
  root: string;
  files: VerifiedFile[];
  signature: SignatureStatus;
  /** Keyless OMS bundles: who signed, as the certificate (checked against the policy) says. */
  signer?: KeylessSigner;
  bytesHashed: number;
}

function expectationsOf(
  format: ManifestFormat,
  manifest: ModelshipManifest | AlgorithmiaManifest,
  root: string,
  model: string | undefined,
): ExpectedFile[] {
  if (format === 'algorithmia') {
    const algorithmia = manifest as AlgorithmiaManifest;
    const path = model ? basename(model) : basename(algorithmia.model_filepath);
    return [
      { path, absolutePath: model ? resolve(model) : join(root, path), md5: algorithmia.model_md5_hash },
    ];
  }
  const files = (manifest as ModelshipManifest).files;
  if (model !== undefined) {
    if (files.length !== 1) {
      throw new ManifestInputError(
        ManifestErrorCode.INVALID_OPTIONS,
        `--model maps a single-file manifest onto a local file, but this manifest lists ${files.length} files; ` +
          'use --root DIR instead',
      );
    }
    return [{ ...files[0]!, absolutePath: resolve(model), shards: shardRanges(files[0]!) }];
  }
  return files.map((file) => ({
    ...file,
    absolutePath: join(root, ...file.path.split('/')),
    shards: shardRanges(file),
  }));
}

/** A modelship entry's `shards` ({ size, sha256: [...] }) as byte ranges; SPEC.md §2. */
function shardRanges(file: {
  size: number;
  shards?: { size: number; sha256: string[] };
}): ExpectedShard[] | undefined {
  if (!file.shards) return undefined;
  const { size, sha256 } = file.shards;
  return sha256.map((digest, i) => ({
    start: i * size,
    end: Math.min((i + 1) * size, file.size),
    sha256: digest,
  }));
}

function algorithmsFor(file: ExpectedFile, choice: VerifyAlgorithm, index: number): DigestAlgorithm[] {
  const present = (['md5', 'sha256'] as const).filter(
    (name) => file[name] !== undefined || (name === 'sha256' && file.shards !== undefined),
  );
  if (choice === 'all') return present;
  if (choice === 'strongest') return [present.includes('sha256') ? 'sha256' : 'md5'];
  if (!present.includes(choice)) {
    throw new ManifestInputError(
      ManifestErrorCode.ALGORITHM_UNAVAILABLE,
      `the manifest has no ${choice} digest for ${file.path} (files[${index}]); use --algorithm strongest or ` +
        `${present.join('/')}`,
    );
  }
  return [choice];
}

type Loaded =
  | { format: 'modelship'; manifest: ModelshipManifest; path: string | undefined }
  | { format: 'algorithmia'; manifest: AlgorithmiaManifest; path: string | undefined }
  | { format: 'oms'; bundle: ParsedOmsBundle; path: string | undefined };

async function loadManifest(source: VerifyModelOptions['manifest']): Promise<Loaded> {
  if (typeof source !== 'string') {
    if (isOmsBundle(source)) return { format: 'oms', bundle: parseOmsBundle(source), path: undefined };
    return { ...parseManifestValue(source), path: undefined };
  }
  const text = await readManifestText(source);
  // A Sigstore bundle is told apart by its mediaType; anything else goes the manifest way.
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (isOmsBundle(value)) return { format: 'oms', bundle: parseOmsBundle(value, source), path: source };
  return { ...parseManifestText(text, source), path: source };
}

function checkAggregate(manifest: ModelshipManifest): void {
  const { algorithm, value } = manifest.digest;
  const missing = manifest.files.findIndex((file) => file[algorithm] === undefined);
  if (missing >= 0) {
    throw new ManifestFormatError(
      ManifestErrorCode.INVALID_FIELD,
      `manifest field files[${missing}].${algorithm} is missing but digest.algorithm is ${algorithm}`,
      { jsonPath: `files[${missing}].${algorithm}` },
    );
  }
  const actual = aggregateDigest(manifest.files, algorithm);
  if (actual !== value) {
    throw new ModelIntegrityError([], {
      code: ManifestErrorCode.AGGREGATE_MISMATCH,
      message:
        `the manifest's aggregate digest (${algorithm} ${value}) does not match its file entries ` +
        `(${actual}): the file list was edited after the manifest was made; do not trust it`,
    });
  }
}

export interface PreparedVerification {
  format: VerifyFormat;
  manifestPath: string | undefined;
  root: string;
  /** Real path of the root when files must stay inside it (not with `model`). */
  realRoot: string | undefined;
  signature: SignatureStatus;
  signer?: KeylessSigner;
  expected: ExpectedFile[];
  algorithms: DigestAlgorithm[][];
  /** Extra files fail (strict mode; always for OMS bundles). */
  strict: boolean;
  /** Paths under the root that are never extra (manifests, the bundle, OMS ignore paths). */
  ignored: (path: string) => boolean;
  /** OMS shards method: an empty file has no shard, so it is never listed nor extra. */
  emptyFilesUnlisted?: boolean;
}

/** Everything before touching the model files: manifest, signature, aggregate, expectations. */
export async function prepareVerification(
  options: Omit<VerifyModelOptions, 'cache' | 'onProgress' | 'onStart'>,
): Promise<PreparedVerification> {
  const choice = assertVerifyAlgorithm(options.algorithm ?? 'strongest');
  const loaded = await loadManifest(options.manifest);
  if (loaded.format === 'oms') return prepareOms(loaded.bundle, loaded.path, choice, options);
  if (options.model === undefined && options.root === undefined && loaded.path === undefined) {
    throw new ManifestInputError(
      ManifestErrorCode.INVALID_OPTIONS,
      'verifyModel needs `root` or `model` when the manifest is passed as an object',
    );
  }
  let signature: SignatureStatus = 'unsigned';
  if (loaded.format === 'modelship') {
    signature = verifyManifestSignature(loaded.manifest, options.publicKey);
    checkAggregate(loaded.manifest);
  } else if (options.publicKey !== undefined) {
    verifyManifestSignature(loaded.manifest as unknown as ModelshipManifest, options.publicKey);
  }
  const root = resolve(options.root ?? (loaded.path ? dirname(loaded.path) : '.'));
  const expected = expectationsOf(loaded.format, loaded.manifest, root, options.model);
  const manifestPath = loaded.path;
  return {
    format: loaded.format,
    manifestPath,
    root,
    signature,
    ...(await filePlan(root, expected, choice, options.model)),
    strict: options.strict === true && options.model === undefined,
    ignored: (path) =>
      path === modelshipManifestFileName ||
      path === algorithmiaManifestFileName ||
      (manifestPath !== undefined && resolve(root, path) === resolve(manifestPath)),
  };
}

/** Where the listed files really are and how each is hashed: the same for every manifest format. */
async function filePlan(
  root: string,
  expected: PreparedVerification['expected'],
  choice: VerifyAlgorithm,
  model: string | undefined,
): Promise<Pick<PreparedVerification, 'realRoot' | 'expected' | 'algorithms'>> {
  return {
    realRoot: model === undefined ? await realpath(root).catch(() => root) : undefined,
    expected,
    algorithms: expected.map((file, index) => algorithmsFor(file, choice, index)),
  };
}

async function prepareOms(
  bundle: ParsedOmsBundle,
  bundlePath: string | undefined,
  choice: VerifyAlgorithm,
  options: Omit<VerifyModelOptions, 'cache' | 'onProgress' | 'onStart'>,
): Promise<PreparedVerification> {
  let signer: KeylessSigner | undefined;
  if (isKeylessOmsBundle(bundle)) {
    const { verifyKeylessOmsBundle } = await import('./oms-keyless.js');
    signer = await verifyKeylessOmsBundle(bundle, options);
  } else verifyOmsBundle(bundle, options.publicKey);
  const signature: SignatureStatus = 'verified';
  const root = resolve(options.root ?? (bundlePath ? dirname(bundlePath) : '.'));
  let expected = omsExpectations(bundle, root, bundlePath);
  if (options.model !== undefined) {
    if (expected.length !== 1) {
      throw new ManifestInputError(
        ManifestErrorCode.INVALID_OPTIONS,
        `--model maps a single-file bundle onto a local file, but this bundle lists ${expected.length} files; ` +
          'use --root DIR instead',
      );
    }
    expected = [{ ...expected[0]!, absolutePath: resolve(options.model) }];
  }
  const ignoresPath = omsIgnores(bundle.statement.predicate.serialization);
  return {
    format: 'oms',
    manifestPath: bundlePath,
    root,
    signer,
    signature,
    ...(await filePlan(root, expected, choice, options.model)),
    // model_signing refuses any file it was not told about: so do we.
    strict: options.model === undefined,
    ignored: (path) =>
      ignoresPath(path) || (bundlePath !== undefined && resolve(root, path) === resolve(bundlePath)),
    emptyFilesUnlisted: bundle.statement.predicate.serialization.method === 'shards',
  };
}

/** Strict mode: files under the root that the manifest does not list (the manifest itself aside). */
export async function extraFiles(prepared: PreparedVerification): Promise<IntegrityIssue[]> {
  if (!prepared.strict) return [];
  const listed = new Set(prepared.expected.map((file) => file.path));
  return (await walkFiles(prepared.root, prepared.ignored))
    .filter((file) => !listed.has(file.path) && !(prepared.emptyFilesUnlisted && file.size === 0))
    .map((file) => ({ code: ManifestErrorCode.FILE_EXTRA, path: file.path }));
}
