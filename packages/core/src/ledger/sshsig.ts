// SSH signatures (OpenSSH's PROTOCOL.sshsig, what `ssh-keygen -Y sign|verify` make and check), so
// approvers sign with the SSH keys they already have and OpenSSH can judge every signature we make.
// sshpk reads the key files (OpenSSH, PEM, encrypted or not); node:crypto signs and verifies.
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { createRequire } from 'node:module';
import type Sshpk from 'sshpk';

// Loaded on first use: most commands never touch an SSH key, and bundlers leave it alone.
let loaded: typeof Sshpk | undefined;
export const sshpk = (): typeof Sshpk => {
  loaded ??= createRequire(import.meta.url)('sshpk') as typeof Sshpk;
  return loaded;
};

const magic = Buffer.from('SSHSIG');
const armorBegin = '-----BEGIN SSH SIGNATURE-----';
const armorEnd = '-----END SSH SIGNATURE-----';
/** ssh-keygen hashes the message with SHA-512; SHA-256 is the only other algorithm the format allows. */
const messageHashes = ['sha512', 'sha256'] as const;

const uint32 = (value: number) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
};
const sshString = (value: Buffer | string) => {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([uint32(bytes.length), bytes]);
};

/** Reads SSH wire strings one after another; throws on a length that runs past the end. */
class WireReader {
  private offset = 0;
  constructor(private readonly bytes: Buffer) {}
  take(length: number): Buffer {
    if (this.offset + length > this.bytes.length) throw new Error('truncated');
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }
  uint32(): number {
    return this.take(4).readUInt32BE();
  }
  string(): Buffer {
    return this.take(this.uint32());
  }
  get done(): boolean {
    return this.offset === this.bytes.length;
  }
}

/** OpenSSH's `SHA256:<base64>` fingerprint of a public key blob, as `ssh-keygen -l` prints it. */
export function sshFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The bytes a signature covers: the message is hashed first, so only its digest is signed. */
function signedData(namespace: string, hash: string, message: Buffer | string): Buffer {
  const digest = createHash(hash).update(message).digest();
  return Buffer.concat([magic, sshString(namespace), sshString(''), sshString(hash), sshString(digest)]);
}

// ECDSA signatures travel as two SSH mpints; node:crypto speaks r||s of the curve's size.
const ecdsaCurves: Record<string, { hash: string; size: number }> = {
  nistp256: { hash: 'sha256', size: 32 },
  nistp384: { hash: 'sha384', size: 48 },
  nistp521: { hash: 'sha512', size: 66 },
};
const mpint = (value: Buffer) => {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start += 1;
  const bytes = value.subarray(start);
  return sshString((bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.of(0), bytes]) : bytes);
};
const fixedWidth = (value: Buffer, size: number) => {
  let start = 0;
  while (start < value.length && value[start] === 0) start += 1;
  const bytes = value.subarray(start);
  if (bytes.length > size) throw new Error('ECDSA signature component too long');
  return Buffer.concat([Buffer.alloc(size - bytes.length), bytes]);
};

export interface SshSigningKey {
  /** The public key blob (RFC 4253 wire format). */
  publicKey: Buffer;
  fingerprint: string;
  /** `ssh-ed25519`, `ssh-rsa` or `ecdsa-sha2-nistp256|384|521`. */
  type: string;
  sign(data: Buffer): Buffer;
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/**
 * Reads an SSH private key file (OpenSSH or PEM; ed25519, RSA or ECDSA). Throws a message naming
 * `source` when it cannot: not a key, a key needing a passphrase that was not given, a wrong one.
 */
export function readSshPrivateKey(text: string, source: string, passphrase?: string): SshSigningKey {
  let key: Sshpk.PrivateKey;
  try {
    key = sshpk().parsePrivateKey(text, 'auto', passphrase ? { passphrase } : undefined);
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'KeyEncryptedError')
      throw new Error(
        `${source} is protected by a passphrase; set MODELSHIP_SIGN_KEY_PASSPHRASE, or sign with \`ssh-keygen -Y sign\` and pass --signature`,
      );
    if (name === 'KeyParseError' && passphrase && /decrypt|passphrase/i.test((error as Error).message))
      throw new Error(`${source}: the passphrase does not open this key`);
    throw new Error(`${source} is not an SSH private key (expected e.g. ~/.ssh/id_ed25519)`);
  }
  const publicKey = key.toPublic().toBuffer('rfc4253');
  const fingerprint = sshFingerprint(publicKey);
  if (key.type === 'ed25519') {
    const part = key.part as unknown as Record<string, { data: Buffer }>;
    const secret = createPrivateKey({
      key: { kty: 'OKP', crv: 'Ed25519', d: base64url(part.k!.data), x: base64url(part.A!.data) },
      format: 'jwk',
    });
    return {
      publicKey,
      fingerprint,
      type: 'ssh-ed25519',
      sign: (data) => Buffer.concat([sshString('ssh-ed25519'), sshString(sign(null, data, secret))]),
    };
  }
  const secret = createPrivateKey(key.toString('pkcs8'));
  if (key.type === 'rsa') {
    return {
      publicKey,
      fingerprint,
      type: 'ssh-rsa',
      sign: (data) => Buffer.concat([sshString('rsa-sha2-512'), sshString(sign('sha512', data, secret))]),
    };
  }
  const curve = key.type === 'ecdsa' ? ecdsaCurves[String(key.curve)] : undefined;
  if (!curve)
    throw new Error(`${source} is a ${key.type} key; SSH approval signatures use ed25519, RSA or ECDSA`);
  const algorithm = `ecdsa-sha2-${String(key.curve)}`;
  return {
    publicKey,
    fingerprint,
    type: algorithm,
    sign: (data) => {
      const raw = sign(curve.hash, data, { key: secret, dsaEncoding: 'ieee-p1363' });
      const half = raw.length / 2;
      const rs = Buffer.concat([mpint(raw.subarray(0, half)), mpint(raw.subarray(half))]);
      return Buffer.concat([sshString(algorithm), sshString(rs)]);
    },
  };
}

/** Signs `message` for `namespace` as `ssh-keygen -Y sign -n <namespace>` does; returns the armored text. */
export function signSshSig(key: SshSigningKey, message: Buffer | string, namespace: string): string {
  const hash = 'sha512';
  const blob = Buffer.concat([
    magic,
    uint32(1),
    sshString(key.publicKey),
    sshString(namespace),
    sshString(''),
    sshString(hash),
    sshString(key.sign(signedData(namespace, hash, message))),
  ]);
  const lines = blob.toString('base64').match(/.{1,70}/g) ?? [];
  return [armorBegin, ...lines, armorEnd].join('\n');
}

export interface ParsedSshSig {
  publicKey: Buffer;
  fingerprint: string;
  namespace: string;
  hash: string;
  /** The signature proper: algorithm name and bytes, SSH wire format. */
  signature: Buffer;
}

/** Reads an armored SSH signature; throws a plain message when it is not one. */
export function parseSshSig(armored: string): ParsedSshSig {
  const text = armored.trim();
  if (!text.startsWith(armorBegin) || !text.endsWith(armorEnd))
    throw new Error(`not an SSH signature (expected "${armorBegin}" … "${armorEnd}")`);
  const body = Buffer.from(text.slice(armorBegin.length, -armorEnd.length).replace(/\s+/g, ''), 'base64');
  try {
    const reader = new WireReader(body);
    if (!reader.take(6).equals(magic)) throw new Error('bad magic');
    const version = reader.uint32();
    if (version !== 1) throw new Error(`version ${version}`);
    const publicKey = reader.string();
    const namespace = reader.string().toString();
    reader.string(); // reserved
    const hash = reader.string().toString();
    const signature = reader.string();
    if (!reader.done) throw new Error('trailing bytes');
    return { publicKey, fingerprint: sshFingerprint(publicKey), namespace, hash, signature };
  } catch (error) {
    throw new Error(`the SSH signature is malformed (${(error as Error).message})`);
  }
}

function publicKeyObject(blob: Buffer): { key: KeyObject; parsed: Sshpk.Key } {
  const parsed = sshpk().parseKey(blob, 'rfc4253');
  return { key: createPublicKey(parsed.toString('pkcs8')), parsed };
}

/** Checks the signature proper over `data` with the signature's own public key. */
function signatureHolds(sig: ParsedSshSig, data: Buffer): boolean {
  const { key, parsed } = publicKeyObject(sig.publicKey);
  const reader = new WireReader(sig.signature);
  const algorithm = reader.string().toString();
  const bytes = reader.string();
  if (parsed.type === 'ed25519' && algorithm === 'ssh-ed25519') return verify(null, data, key, bytes);
  // SHA-1 RSA signatures ("ssh-rsa") are refused, as OpenSSH does for SSHSIG.
  if (parsed.type === 'rsa' && (algorithm === 'rsa-sha2-512' || algorithm === 'rsa-sha2-256'))
    return verify(algorithm === 'rsa-sha2-512' ? 'sha512' : 'sha256', data, key, bytes);
  const curve = parsed.type === 'ecdsa' ? ecdsaCurves[String(parsed.curve)] : undefined;
  if (curve && algorithm === `ecdsa-sha2-${String(parsed.curve)}`) {
    const rs = new WireReader(bytes);
    const raw = Buffer.concat([fixedWidth(rs.string(), curve.size), fixedWidth(rs.string(), curve.size)]);
    return verify(curve.hash, data, { key, dsaEncoding: 'ieee-p1363' }, raw);
  }
  return false;
}

export type SshSigCheck =
  | { ok: true; publicKey: Buffer; fingerprint: string }
  | { ok: false; reason: string; fingerprint?: string };

/**
 * Verifies an armored SSH signature over `message` for `namespace`, with the key it carries (who
 * that key belongs to is for allowed_signers to say: allowed-signers.ts).
 */
export function verifySshSig(armored: string, message: Buffer | string, namespace: string): SshSigCheck {
  let sig: ParsedSshSig;
  try {
    sig = parseSshSig(armored);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  const fingerprint = sig.fingerprint;
  if (sig.namespace !== namespace)
    return {
      ok: false,
      fingerprint,
      reason: `the signature was made for namespace "${sig.namespace}", not "${namespace}" (sign with -n ${namespace})`,
    };
  if (!(messageHashes as readonly string[]).includes(sig.hash))
    return {
      ok: false,
      fingerprint,
      reason: `the signature uses hash "${sig.hash}" (sha512 or sha256 expected)`,
    };
  let holds = false;
  try {
    holds = signatureHolds(sig, signedData(namespace, sig.hash, message));
  } catch {
    holds = false;
  }
  if (!holds)
    return {
      ok: false,
      fingerprint,
      reason: `the signature by ${fingerprint} does not match what is signed: it was made for other content, or altered`,
    };
  return { ok: true, publicKey: sig.publicKey, fingerprint };
}
