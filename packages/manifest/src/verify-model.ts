import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { aggregateDigest } from './aggregate.js';
import { assertVerifyAlgorithm, type DigestAlgorithm, type VerifyAlgorithm } from './algorithms.js';
import { DigestCache } from './cache.js';
import { algorithmiaManifestFileName, modelshipManifestFileName } from './constants.js';
import {
  type IntegrityIssue,
  ManifestErrorCode,
  ManifestFormatError,
  ManifestInputError,
  ModelIntegrityError,
} from './errors.js';
import { type FileDigests, type HashProgress, hashFiles } from './hash.js';
import { type ExpectedFile, inspectFiles, unreadable } from './inspect-files.js';
import { readManifest } from './manifest-io.js';
import type { AlgorithmiaManifest, ManifestFormat, ModelshipManifest } from './schemas.js';
import { type KeyInput, type SignatureStatus, verifyManifestSignature } from './signature.js';
import { parseManifestValue } from './validate.js';
import { walkFiles } from './walk.js';

export interface VerifyModelOptions {
  /** Path of a manifest file (either format), or an already-parsed manifest object. */
  manifest: string | ModelshipManifest | AlgorithmiaManifest;
  /** Directory the manifest's paths are relative to; default: the manifest's directory. */
  root?: string;
  /** The local model file, for single-file manifests (an Algorithmia `model_filepath` is remote). */
  model?: string;
  /** Default `strongest`: sha256 where the manifest has it, else md5. */
  algorithm?: VerifyAlgorithm | (string & {});
  /** Also fail on files under the root that the manifest does not list. */
  strict?: boolean;
  /** Trusted ed25519 public key; when given the manifest must carry a valid signature. */
  publicKey?: KeyInput;
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
  fromCache: boolean;
}

export interface VerifyReport {
  ok: true;
  format: ManifestFormat;
  manifestPath: string | undefined;
  root: string;
  files: VerifiedFile[];
  signature: SignatureStatus;
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
    return [{ ...files[0]!, absolutePath: resolve(model) }];
  }
  return files.map((file) => ({ ...file, absolutePath: join(root, ...file.path.split('/')) }));
}

function algorithmsFor(file: ExpectedFile, choice: VerifyAlgorithm, index: number): DigestAlgorithm[] {
  const present = (['md5', 'sha256'] as const).filter((name) => file[name] !== undefined);
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

async function loadManifest(source: VerifyModelOptions['manifest']) {
  if (typeof source === 'string') return readManifest(source);
  return { ...parseManifestValue(source), path: undefined };
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
  format: ManifestFormat;
  manifestPath: string | undefined;
  root: string;
  /** Real path of the root when files must stay inside it (not with `model`). */
  realRoot: string | undefined;
  signature: SignatureStatus;
  expected: ExpectedFile[];
  algorithms: DigestAlgorithm[][];
}

/** Everything before touching the model files: manifest, signature, aggregate, expectations. */
export async function prepareVerification(
  options: Omit<VerifyModelOptions, 'cache' | 'onProgress' | 'onStart'>,
): Promise<PreparedVerification> {
  const choice = assertVerifyAlgorithm(options.algorithm ?? 'strongest');
  const loaded = await loadManifest(options.manifest);
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
  return {
    format: loaded.format,
    manifestPath: loaded.path,
    root,
    realRoot: options.model === undefined ? await realpath(root).catch(() => root) : undefined,
    signature,
    expected,
    algorithms: expected.map((file, index) => algorithmsFor(file, choice, index)),
  };
}

/** Strict mode: files under the root that the manifest does not list (the manifest itself aside). */
export async function extraFiles(prepared: PreparedVerification): Promise<IntegrityIssue[]> {
  const { root, manifestPath } = prepared;
  const listed = new Set(prepared.expected.map((file) => file.path));
  const skip = (path: string) =>
    path === modelshipManifestFileName ||
    path === algorithmiaManifestFileName ||
    (manifestPath !== undefined && resolve(root, path) === resolve(manifestPath));
  return (await walkFiles(root, skip))
    .filter((file) => !listed.has(file.path))
    .map((file) => ({ code: ManifestErrorCode.FILE_EXTRA, path: file.path }));
}

/** Compares hashed digests with the manifest; `results[i]` undefined means file i was not hashed. */
export function compareDigests(
  prepared: PreparedVerification,
  results: readonly (FileDigests | undefined)[],
  fromCache: (index: number) => boolean,
  issues: IntegrityIssue[],
): VerifiedFile[] {
  const files: VerifiedFile[] = [];
  for (const [index, file] of prepared.expected.entries()) {
    const actual = results[index];
    if (!actual) continue;
    const algorithms = prepared.algorithms[index]!;
    for (const name of algorithms) {
      if (actual[name] !== file[name]) {
        issues.push({
          code: ManifestErrorCode.DIGEST_MISMATCH,
          path: file.path,
          algorithm: name,
          expected: file[name],
          actual: actual[name],
        });
      }
    }
    files.push({
      path: file.path,
      size: actual.size,
      algorithms,
      ...Object.fromEntries(algorithms.map((name) => [name, actual[name]])),
      fromCache: fromCache(index),
    });
  }
  return files;
}

/**
 * Verifies a model against its manifest: signature first, then sizes, then digests (one read
 * pass per file, in parallel). Resolves a report, or throws ModelIntegrityError listing every
 * mismatched, missing or (strict) extra file with expected and actual values.
 */
export async function verifyModel(options: VerifyModelOptions): Promise<VerifyReport> {
  const prepared = await prepareVerification(options);
  const { expected, algorithms, root } = prepared;
  const issues: IntegrityIssue[] = [];
  const cache = options.cache ? await DigestCache.open(options.cache) : undefined;
  const inspections = await inspectFiles(expected, {
    root,
    realRoot: prepared.realRoot,
    cache,
    algorithms,
  });
  const toHash: number[] = [];
  const sizes: number[] = [];
  const results: (FileDigests | undefined)[] = new Array(expected.length);
  for (const [index, inspection] of inspections.entries()) {
    const file = expected[index]!;
    if (inspection.kind === 'missing') issues.push({ code: ManifestErrorCode.FILE_MISSING, path: file.path });
    else if (inspection.kind === 'size-mismatch') {
      issues.push({
        code: ManifestErrorCode.SIZE_MISMATCH,
        path: file.path,
        expected: file.size,
        actual: inspection.size,
      });
    } else if (inspection.kind === 'cached') results[index] = inspection.digests;
    else {
      toHash.push(index);
      sizes.push(inspection.size);
    }
  }
  if (options.strict && options.model === undefined) issues.push(...(await extraFiles(prepared)));

  const union = [...new Set(toHash.flatMap((index) => algorithms[index]!))].sort() as DigestAlgorithm[];
  options.onStart?.(sizes.reduce((sum, size) => sum + size, 0));
  let hashed: FileDigests[] = [];
  try {
    hashed = union.length
      ? await hashFiles(
          toHash.map((index) => expected[index]!.absolutePath),
          union,
          { sizes, concurrency: options.concurrency, onProgress: options.onProgress },
        )
      : [];
  } catch (error) {
    throw unreadable((error as { path?: string }).path ?? root, error);
  }
  toHash.forEach((index, i) => {
    results[index] = hashed[i];
    const inspection = inspections[index]!;
    if (cache && inspection.kind === 'hash' && inspection.cacheKey)
      cache.set(inspection.cacheKey, hashed[i]!);
  });

  const files = compareDigests(prepared, results, (index) => inspections[index]!.kind === 'cached', issues);
  await cache?.save();
  if (issues.length > 0) throw new ModelIntegrityError(issues);
  const bytesHashed = toHash.reduce((sum, index) => sum + (results[index]?.size ?? 0), 0);
  return {
    ok: true,
    format: prepared.format,
    manifestPath: prepared.manifestPath,
    root,
    files,
    signature: prepared.signature,
    bytesHashed,
  };
}

/**
 * The one-line runtime check for inference code: resolves the report when the model matches its
 * manifest, throws ModelIntegrityError otherwise.
 *   await assertModel('model/modelship.manifest.json')
 */
export async function assertModel(
  manifest: string | VerifyModelOptions,
  options: Omit<VerifyModelOptions, 'manifest'> = {},
): Promise<VerifyReport> {
  return verifyModel(typeof manifest === 'string' ? { ...options, manifest } : { ...options, ...manifest });
}
