// OpenSSF Model Signing (OMS) bundles, as the `model_signing` tool (PyPI model-signing 1.x) writes
// them with key-based signing: a Sigstore bundle v0.3 whose DSSE envelope carries an in-toto
// Statement with predicate type https://model_signing/signature/v1.0. Verify side only (node:
// built-ins, loaded by the light entry); signing lives in oms-sign.ts. See SPEC.md §8.
import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { ManifestErrorCode, ManifestFormatError, ManifestInputError, ModelIntegrityError } from './errors.js';
import type { ExpectedFile, ExpectedShard } from './inspect-files.js';
import { nodeCrypto } from './lazy-crypto.js';
import { unsafePathReason } from './paths.js';
import { assertSignatureVerifies } from './signature.js';

export const omsBundleMediaType = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const omsPayloadType = 'application/vnd.in-toto+json';
export const omsStatementType = 'https://in-toto.io/Statement/v1';
export const omsPredicateType = 'https://model_signing/signature/v1.0';
/** What `model_signing` ignores by default (`--ignore-git-paths`), at the model root. */
export const omsDefaultIgnorePaths = ['.git', '.gitattributes', '.github', '.gitignore'] as const;
/** `model_signing`'s default shard size (hashing.Config.use_shard_serialization). */
export const omsDefaultShardSize = 1_000_000_000;

export interface OmsSerialization {
  method: 'files' | 'shards';
  hash_type: string;
  allow_symlinks: boolean;
  shard_size?: number;
  ignore_paths?: string[];
  [key: string]: unknown;
}

export interface OmsResource {
  name: string;
  algorithm: string;
  digest: string;
}

export interface OmsStatement {
  _type: string;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: string;
  predicate: { serialization: OmsSerialization; resources: OmsResource[]; [key: string]: unknown };
}

export interface OmsBundle {
  mediaType: string;
  verificationMaterial: { publicKey?: { hint?: string | null }; [key: string]: unknown };
  dsseEnvelope: { payload: string; payloadType: string; signatures: { sig: string; keyid?: string }[] };
  [key: string]: unknown;
}

export interface ParsedOmsBundle {
  bundle: OmsBundle;
  /** The exact bytes that were signed (the DSSE payload). */
  payload: Buffer;
  statement: OmsStatement;
}

/** A Sigstore bundle (of any version) rather than a modelship or Algorithmia manifest. */
export function isOmsBundle(value: unknown): boolean {
  const mediaType = (value as { mediaType?: unknown } | null)?.mediaType;
  return typeof mediaType === 'string' && mediaType.startsWith('application/vnd.dev.sigstore.bundle');
}

function invalid(file: string | undefined, jsonPath: string, problem: string): never {
  throw new ManifestFormatError(
    ManifestErrorCode.INVALID_FIELD,
    `OMS bundle field ${jsonPath} ${problem}${file ? ` (in ${file})` : ''}; re-sign the model with ` +
      '`modelship-manifest create --format oms` or `model_signing sign`',
    { jsonPath, file },
  );
}

const hex64 = /^[0-9a-f]{64}$/;

/** DSSE pre-authentication encoding: what the signature covers. */
export function dssePae(payloadType: string, payload: Buffer): Buffer {
  const header = `DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.length} `;
  return Buffer.concat([Buffer.from(header, 'utf8'), payload]);
}

/** Checks the bundle's structure and decodes its statement; no signature check yet. */
export function parseOmsBundle(value: unknown, file?: string): ParsedOmsBundle {
  const bundle = value as OmsBundle;
  if (bundle.mediaType !== omsBundleMediaType) {
    invalid(
      file,
      'mediaType',
      `must be ${omsBundleMediaType} (a model_signing 1.x bundle), got ${bundle.mediaType}`,
    );
  }
  const envelope = bundle.dsseEnvelope;
  if (typeof envelope !== 'object' || envelope === null) {
    invalid(file, 'dsseEnvelope', 'is missing; only DSSE bundles (model_signing) are supported');
  }
  if (envelope.payloadType !== omsPayloadType)
    invalid(file, 'dsseEnvelope.payloadType', `must be ${omsPayloadType}`);
  if (typeof envelope.payload !== 'string') invalid(file, 'dsseEnvelope.payload', 'must be a base64 string');
  if (!Array.isArray(envelope.signatures) || typeof envelope.signatures[0]?.sig !== 'string') {
    invalid(file, 'dsseEnvelope.signatures[0].sig', 'must be a base64 string');
  }
  const payload = Buffer.from(envelope.payload, 'base64');
  let statement: OmsStatement;
  try {
    statement = JSON.parse(payload.toString('utf8'));
  } catch {
    return invalid(file, 'dsseEnvelope.payload', 'is not base64 of a JSON in-toto statement');
  }
  if (statement?._type !== omsStatementType) invalid(file, 'payload._type', `must be ${omsStatementType}`);
  if (statement.predicateType !== omsPredicateType) {
    invalid(
      file,
      'payload.predicateType',
      `must be ${omsPredicateType}, got ${statement.predicateType} (pre-1.0 model_signing bundles are not supported)`,
    );
  }
  if (!Array.isArray(statement.subject) || statement.subject.length !== 1) {
    invalid(file, 'payload.subject', 'must hold exactly one subject (the model)');
  }
  if (!hex64.test(String(statement.subject[0]?.digest?.sha256))) {
    invalid(file, 'payload.subject[0].digest.sha256', 'must be 64 lowercase hex digits');
  }
  const serialization = statement.predicate?.serialization;
  if (serialization?.method !== 'files' && serialization?.method !== 'shards') {
    invalid(file, 'payload.predicate.serialization.method', 'must be "files" or "shards"');
  }
  if (serialization.hash_type !== 'sha256') {
    invalid(
      file,
      'payload.predicate.serialization.hash_type',
      `is ${JSON.stringify(serialization.hash_type)}; only sha256 is supported (sign with the default hash)`,
    );
  }
  if (
    serialization.method === 'shards' &&
    !(Number.isSafeInteger(serialization.shard_size) && serialization.shard_size! > 0)
  ) {
    invalid(file, 'payload.predicate.serialization.shard_size', 'must be a positive integer');
  }
  if (!Array.isArray(statement.predicate.resources))
    invalid(file, 'payload.predicate.resources', 'must be an array');
  statement.predicate.resources.forEach((resource, index) => {
    const at = `payload.predicate.resources[${index}]`;
    // model_signing names a shard's digest after its shard size, e.g. sha256-sharded-1000000000.
    const sharded = `sha256-sharded-${serialization.shard_size}`;
    if (
      resource?.algorithm !== 'sha256' &&
      !(serialization.method === 'shards' && resource?.algorithm === sharded)
    ) {
      invalid(
        file,
        `${at}.algorithm`,
        serialization.method === 'shards' ? `must be ${sharded}` : 'must be sha256',
      );
    }
    if (!hex64.test(String(resource.digest)))
      invalid(file, `${at}.digest`, 'must be 64 lowercase hex digits');
    if (typeof resource.name !== 'string') invalid(file, `${at}.name`, 'must be a string');
  });
  return { bundle, payload, statement };
}

const curveHashes: Record<string, string> = {
  prime256v1: 'sha256',
  secp384r1: 'sha384',
  secp521r1: 'sha512',
};

/** An ECDSA P-256/384/521 public key (PEM), as `model_signing` accepts; else MANIFEST_INVALID_KEY. */
export function toEcPublicKey(key: string | Buffer | KeyObject, kind = 'public'): KeyObject {
  try {
    const object = nodeCrypto().createPublicKey(key);
    const curve = object.asymmetricKeyDetails?.namedCurve;
    if (object.asymmetricKeyType !== 'ec' || curve === undefined || !(curve in curveHashes)) {
      throw new Error(`${object.asymmetricKeyType} ${curve ?? ''} key`);
    }
    return object;
  } catch (error) {
    throw new ManifestInputError(
      ManifestErrorCode.INVALID_KEY,
      `the ${kind} key is not an ECDSA P-256, P-384 or P-521 key (PEM), which OMS bundles are signed with; ` +
        'create one with `openssl ecparam -name prime256v1 -genkey -noout | openssl pkey -out key.pem`',
      { cause: error },
    );
  }
}

/** The hash ECDSA uses with this key's curve (as model_signing and Sigstore do). */
export function ecHashOf(key: KeyObject): string {
  return curveHashes[key.asymmetricKeyDetails!.namedCurve!]!;
}

/** `verificationMaterial.publicKey.hint`: SHA-256 (hex) of the key's SPKI PEM text. */
export function omsKeyHint(publicKey: KeyObject): string {
  const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  return nodeCrypto().createHash('sha256').update(pem).digest('hex');
}

/** Checks the DSSE signature with the trusted key, then the subject digest over the resources. */
export function verifyOmsBundle(
  parsed: ParsedOmsBundle,
  publicKey: string | Buffer | KeyObject | undefined,
): 'verified' {
  if (isKeylessOmsBundle(parsed) || 'x509CertificateChain' in (parsed.bundle.verificationMaterial ?? {})) {
    throw new ManifestInputError(
      ManifestErrorCode.INVALID_OPTIONS,
      isKeylessOmsBundle(parsed)
        ? 'this OMS bundle is signed keyless (a Sigstore certificate, not a key): verify it with ' +
            '--certificate-identity, --certificate-oidc-issuer and --trusted-root instead of --public-key'
        : 'this OMS bundle is signed with a certificate chain (model_signing `sign certificate`), which modelship ' +
            'does not verify; use `model_signing verify certificate`, or sign with an ECDSA key',
    );
  }
  if (publicKey === undefined) {
    throw new ManifestInputError(
      ManifestErrorCode.INVALID_OPTIONS,
      "an OMS bundle (model_signing) is trusted only through its signer's key: pass --public-key (publicKey) " +
        'with the ECDSA public key (PEM)',
    );
  }
  const key = toEcPublicKey(publicKey);
  const hint = parsed.bundle.verificationMaterial?.publicKey?.hint;
  const envelope = parsed.bundle.dsseEnvelope;
  const namesAnotherKey = Boolean(hint) && hint !== omsKeyHint(key);
  assertSignatureVerifies(
    () =>
      !namesAnotherKey &&
      nodeCrypto().verify(
        ecHashOf(key),
        dssePae(envelope.payloadType, parsed.payload),
        key,
        Buffer.from(envelope.signatures[0]!.sig, 'base64'),
      ),
    'the OMS bundle signature does not verify with the given public key' +
      (namesAnotherKey ? ' (the bundle names another key)' : '') +
      ': the bundle was altered after signing or signed with another key; do not trust it',
  );
  checkOmsSubject(parsed);
  return 'verified';
}

/** The bundle is Sigstore keyless: a single (Fulcio) certificate instead of a key hint. */
export function isKeylessOmsBundle(parsed: ParsedOmsBundle): boolean {
  return 'certificate' in (parsed.bundle.verificationMaterial ?? {});
}

/** The subject digest must be the SHA-256 over the resources' raw digests, in listed order. */
export function checkOmsSubject(parsed: ParsedOmsBundle): void {
  const { resources } = parsed.statement.predicate;
  const root = nodeCrypto().createHash('sha256');
  for (const resource of resources) root.update(Buffer.from(resource.digest, 'hex'));
  const actual = root.digest('hex');
  const expected = parsed.statement.subject[0]!.digest.sha256;
  if (actual !== expected) {
    throw new ModelIntegrityError([], {
      code: ManifestErrorCode.AGGREGATE_MISMATCH,
      message: `the OMS bundle's subject digest (sha256 ${expected}) does not match its resources (${actual}); do not trust it`,
    });
  }
}

function checkedPath(name: string, index: number, file: string | undefined): string {
  const reason = unsafePathReason(name);
  if (reason !== null) {
    throw new ManifestFormatError(
      ManifestErrorCode.UNSAFE_PATH,
      `OMS bundle resource ${JSON.stringify(name)} ${reason}; paths must be relative and stay inside the model root` +
        (file ? ` (in ${file})` : ''),
      { jsonPath: `payload.predicate.resources[${index}].name`, file },
    );
  }
  return name;
}

/** The files (and, for the shards method, their byte ranges) a verified bundle expects. */
export function omsExpectations(parsed: ParsedOmsBundle, root: string, file?: string): ExpectedFile[] {
  const { serialization, resources } = parsed.statement.predicate;
  const at = (path: string) => join(root, ...path.split('/'));
  if (serialization.method === 'files') {
    return resources.map((resource, index) => {
      const path = checkedPath(resource.name, index, file);
      return { path, absolutePath: at(path), sha256: resource.digest };
    });
  }
  const byPath = new Map<string, ExpectedShard[]>();
  resources.forEach((resource, index) => {
    const match = /^(.*):(\d+):(\d+)$/.exec(resource.name);
    if (!match)
      invalid(file, `payload.predicate.resources[${index}].name`, 'must be "path:start:end" (shards method)');
    const path = checkedPath(match[1]!, index, file);
    const shards = byPath.get(path) ?? [];
    shards.push({ start: Number(match[2]), end: Number(match[3]), sha256: resource.digest });
    byPath.set(path, shards);
  });
  return [...byPath].map(([path, shards]) => {
    shards.sort((a, b) => a.start - b.start);
    // Shards must tile the file from 0: then the last end is its size, and a gap cannot hide bytes.
    shards.forEach((shard, i) => {
      if (shard.start !== (i === 0 ? 0 : shards[i - 1]!.end) || shard.end < shard.start) {
        invalid(
          file,
          'payload.predicate.resources',
          `shards of ${path} do not cover it contiguously from byte 0`,
        );
      }
    });
    return { path, absolutePath: at(path), size: shards.at(-1)!.end, shards };
  });
}

/** Whether a root-relative path is ignored by the bundle (its ignore_paths, and the git paths). */
export function omsIgnores(
  serialization: OmsSerialization,
  extra: readonly string[] = [],
): (path: string) => boolean {
  const ignored = [...(serialization.ignore_paths ?? []), ...omsDefaultIgnorePaths, ...extra].map((path) =>
    path.replace(/\/+$/, ''),
  );
  return (path) => ignored.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}
