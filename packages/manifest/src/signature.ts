import type { KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { ManifestErrorCode, ManifestInputError, ModelIntegrityError } from './errors.js';
import { nodeCrypto } from './lazy-crypto.js';
import type { ModelshipManifest } from './schemas.js';

/** A PEM string or buffer, a KeyObject, or (public keys only) base64 of the raw 32 bytes. */
export type KeyInput = string | Buffer | KeyObject;

function invalidKey(kind: string, cause: unknown): never {
  throw new ManifestInputError(
    ManifestErrorCode.INVALID_KEY,
    `the ${kind} key is not an ed25519 key (PEM, or base64 of 32 raw bytes); create one with ` +
      '`openssl genpkey -algorithm ed25519 -out key.pem`',
    { cause },
  );
}

export function toPrivateKey(key: KeyInput): KeyObject {
  try {
    const { KeyObject, createPrivateKey } = nodeCrypto();
    const object = key instanceof KeyObject ? key : createPrivateKey(key);
    if (object.asymmetricKeyType !== 'ed25519') throw new Error(`${object.asymmetricKeyType} key`);
    return object;
  } catch (error) {
    return invalidKey('private', error);
  }
}

export function toPublicKey(key: KeyInput): KeyObject {
  try {
    const { KeyObject, createPublicKey } = nodeCrypto();
    let object: KeyObject;
    if (key instanceof KeyObject) object = createPublicKey(key);
    else if (typeof key === 'string' && /^[A-Za-z0-9+/]{43}=$/.test(key.trim())) {
      const x = Buffer.from(key.trim(), 'base64').toString('base64url');
      object = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    } else object = createPublicKey(key);
    if (object.asymmetricKeyType !== 'ed25519') throw new Error(`${object.asymmetricKeyType} key`);
    return object;
  } catch (error) {
    return invalidKey('public', error);
  }
}

/** base64 of the raw 32-byte public key, as stored in `signature.publicKey`. */
export function rawPublicKeyBase64(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x!, 'base64url').toString('base64');
}

/** The bytes a signature covers: canonical JSON of the manifest without its `signature` member. */
export function signingPayload(manifest: ModelshipManifest): Buffer {
  const { signature: _ignored, ...unsigned } = manifest;
  return Buffer.from(canonicalJson(unsigned), 'utf8');
}

/** Returns a copy of the manifest carrying an ed25519 signature (any previous one is replaced). */
export function signManifest(manifest: ModelshipManifest, privateKey: KeyInput): ModelshipManifest {
  const key = toPrivateKey(privateKey);
  const { signature: _previous, ...unsigned } = manifest;
  const { createPublicKey, sign } = nodeCrypto();
  const value = sign(null, signingPayload(unsigned as ModelshipManifest), key).toString('base64');
  return {
    ...unsigned,
    signature: { algorithm: 'ed25519', publicKey: rawPublicKeyBase64(createPublicKey(key)), value },
  } as ModelshipManifest;
}

export type SignatureStatus = 'verified' | 'self-consistent' | 'unsigned';

/**
 * Checks the signature. With a trusted `publicKey` the result is `verified` (or an error); without
 * one, the embedded key only proves the manifest was not altered after signing (`self-consistent`).
 */
export function verifyManifestSignature(manifest: ModelshipManifest, publicKey?: KeyInput): SignatureStatus {
  const signature = manifest.signature;
  if (!signature) {
    if (publicKey === undefined) return 'unsigned';
    throw new ModelIntegrityError([], {
      code: ManifestErrorCode.SIGNATURE_MISSING,
      message:
        'a public key was given but the manifest carries no signature; sign it with ' +
        '`modelship-manifest create --sign-key KEY` or drop --public-key',
    });
  }
  const key = toPublicKey(publicKey ?? signature.publicKey);
  assertSignatureVerifies(
    () => nodeCrypto().verify(null, signingPayload(manifest), key, Buffer.from(signature.value, 'base64')),
    `the manifest signature does not verify with the ${publicKey === undefined ? 'embedded' : 'given'} ` +
      'public key: the manifest was altered after signing or signed with another key; do not trust it',
  );
  return publicKey === undefined ? 'self-consistent' : 'verified';
}

/** Runs a signature check; one that fails, or throws on a malformed signature, is SIGNATURE_INVALID. */
export function assertSignatureVerifies(verify: () => boolean, message: string): void {
  let valid: boolean;
  try {
    valid = verify();
  } catch {
    valid = false;
  }
  if (!valid) throw new ModelIntegrityError([], { code: ManifestErrorCode.SIGNATURE_INVALID, message });
}
