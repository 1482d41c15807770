// Hand-written validation for the light `verify` entry (no zod on that import path). It accepts
// exactly what the zod schemas in schemas.ts accept; test/schema-agreement.test.ts holds them together.
import { modelshipSchemaId } from './constants.js';
import { ManifestErrorCode, ManifestFormatError } from './errors.js';
import { assertSafePath } from './paths.js';
import type { AlgorithmiaManifest, ManifestFormat, ModelshipManifest } from './schemas.js';

export type ParsedManifest =
  | { format: 'modelship'; manifest: ModelshipManifest }
  | { format: 'algorithmia'; manifest: AlgorithmiaManifest };

type Json = Record<string, unknown>;

class Checker {
  constructor(readonly file: string | undefined) {}

  fail(jsonPath: string, problem: string, value: unknown): never {
    const shown = value === undefined ? 'it is missing' : `got ${JSON.stringify(value)?.slice(0, 80)}`;
    throw new ManifestFormatError(
      ManifestErrorCode.INVALID_FIELD,
      `manifest field ${jsonPath} ${problem}, ${shown}${this.file ? ` (in ${this.file})` : ''}; fix that field ` +
        'or regenerate the manifest with `modelship-manifest create`',
      { jsonPath, file: this.file },
    );
  }

  object(value: unknown, jsonPath: string): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      this.fail(jsonPath, 'must be an object', value);
    return value as Json;
  }

  string(value: unknown, jsonPath: string, pattern?: RegExp, patternText?: string): string {
    if (typeof value !== 'string') this.fail(jsonPath, 'must be a string', value);
    if (pattern && !pattern.test(value)) this.fail(jsonPath, `must be ${patternText}`, value);
    return value;
  }

  nonEmpty(value: unknown, jsonPath: string): string {
    if (typeof value !== 'string' || value.length === 0)
      this.fail(jsonPath, 'must be a non-empty string', value);
    return value;
  }

  nullableString(value: unknown, jsonPath: string): string | null {
    if (value === null) return null;
    if (typeof value !== 'string') this.fail(jsonPath, 'must be a string or null', value);
    return value;
  }
}

const md5Pattern = /^[0-9a-f]{32}$/;
const sha256Pattern = /^[0-9a-f]{64}$/;
const isoUtcPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;
const algorithmiaTimePattern = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;

function checkShards(c: Checker, shards: Json, fileSize: number, at: string): void {
  if (typeof shards.size !== 'number' || !Number.isSafeInteger(shards.size) || shards.size <= 0)
    c.fail(`${at}.size`, 'must be a positive integer', shards.size);
  if (!Array.isArray(shards.sha256)) c.fail(`${at}.sha256`, 'must be an array', shards.sha256);
  const count = Math.max(1, Math.ceil(fileSize / shards.size));
  if (shards.sha256.length !== count)
    c.fail(`${at}.sha256`, `must hold ${count} digests (one per ${shards.size} bytes)`, shards.sha256.length);
  shards.sha256.forEach((digest: unknown, i: number) => {
    c.string(digest, `${at}.sha256[${i}]`, sha256Pattern, '64 lowercase hex digits');
  });
}

function checkModelship(c: Checker, root: Json): ModelshipManifest {
  c.string(root.schema, 'schema', /^modelship\.manifest\/v1$/, `"${modelshipSchemaId}"`);
  c.nonEmpty(root.name, 'name');
  c.nonEmpty(root.version, 'version');
  if (!Array.isArray(root.files) || root.files.length === 0)
    c.fail('files', 'must be a non-empty array', root.files);
  const seen = new Set<string>();
  root.files.forEach((item: unknown, index: number) => {
    const at = `files[${index}]`;
    const file = c.object(item, at);
    const path = c.nonEmpty(file.path, `${at}.path`);
    assertSafePath(path, `${at}.path`, c.file);
    if (seen.has(path)) c.fail(`${at}.path`, 'must be unique', path);
    seen.add(path);
    if (typeof file.size !== 'number' || !Number.isSafeInteger(file.size) || file.size < 0)
      c.fail(`${at}.size`, 'must be a non-negative integer', file.size);
    if (file.md5 !== undefined) c.string(file.md5, `${at}.md5`, md5Pattern, '32 lowercase hex digits');
    if (file.sha256 !== undefined)
      c.string(file.sha256, `${at}.sha256`, sha256Pattern, '64 lowercase hex digits');
    if (file.md5 === undefined && file.sha256 === undefined)
      c.fail(`${at}.sha256`, 'must be present (or md5): a file entry needs at least one digest', undefined);
    if (file.shards !== undefined)
      checkShards(c, c.object(file.shards, `${at}.shards`), file.size, `${at}.shards`);
  });
  const digest = c.object(root.digest, 'digest');
  c.string(digest.algorithm, 'digest.algorithm', /^(md5|sha256)$/, '"md5" or "sha256"');
  c.string(digest.value, 'digest.value', /^[0-9a-f]+$/, 'lowercase hex');
  const provenance = c.object(root.provenance, 'provenance');
  c.string(
    provenance.source,
    'provenance.source',
    /^(github-actions|git|unknown)$/,
    'github-actions, git or unknown',
  );
  for (const key of [
    'repository',
    'ref',
    'commit',
    'commitMessage',
    'workflow',
    'runId',
    'runAttempt',
    'actor',
  ])
    c.nullableString(provenance[key], `provenance.${key}`);
  c.string(provenance.uploadedAt, 'provenance.uploadedAt', isoUtcPattern, 'an ISO-8601 UTC time ending in Z');
  if (root.storage !== undefined) c.nonEmpty(c.object(root.storage, 'storage').uri, 'storage.uri');
  if (root.signature !== undefined) {
    const signature = c.object(root.signature, 'signature');
    c.string(signature.algorithm, 'signature.algorithm', /^ed25519$/, '"ed25519"');
    c.string(signature.publicKey, 'signature.publicKey');
    c.string(signature.value, 'signature.value');
  }
  return root as ModelshipManifest;
}

function checkAlgorithmia(c: Checker, root: Json): AlgorithmiaManifest {
  c.string(root.model_filepath, 'model_filepath');
  c.string(root.model_md5_hash, 'model_md5_hash', md5Pattern, '32 lowercase hex digits');
  c.string(root.model_origin_commit_SHA, 'model_origin_commit_SHA');
  c.nullableString(root.model_origin_commit_msg, 'model_origin_commit_msg');
  c.string(root.model_origin_repo, 'model_origin_repo');
  c.string(root.model_origin_ref, 'model_origin_ref');
  c.string(
    root.model_uploaded_utc,
    'model_uploaded_utc',
    algorithmiaTimePattern,
    '"%Y-%m-%d %H:%M:%S.%f" (UTC)',
  );
  return root as AlgorithmiaManifest;
}

export function detectFormat(value: unknown): ManifestFormat | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  if ('schema' in value) return 'modelship';
  if ('model_md5_hash' in value || 'model_filepath' in value) return 'algorithmia';
  return null;
}

/** Validates already-parsed JSON of either format; `file` only decorates messages. */
export function parseManifestValue(value: unknown, file?: string): ParsedManifest {
  const c = new Checker(file);
  const format = detectFormat(value);
  if (format === null) {
    throw new ManifestFormatError(
      ManifestErrorCode.UNKNOWN_FORMAT,
      `${file ?? 'the manifest'} is neither a modelship manifest (no "schema" field) nor an Algorithmia ` +
        'model_manifest.json (no "model_md5_hash" field)',
      { jsonPath: '', file },
    );
  }
  const root = value as Json;
  return format === 'modelship'
    ? { format, manifest: checkModelship(c, root) }
    : { format, manifest: checkAlgorithmia(c, root) };
}

/** Parses manifest text of either format. */
export function parseManifestText(text: string, file?: string): ParsedManifest {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new ManifestFormatError(
      ManifestErrorCode.MALFORMED_JSON,
      `${file ?? 'the manifest'} is not valid JSON (${(error as Error).message}); regenerate it with ` +
        '`modelship-manifest create`',
      { jsonPath: '', file, cause: error },
    );
  }
  return parseManifestValue(value, file);
}
