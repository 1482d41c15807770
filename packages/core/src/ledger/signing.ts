// Signed batches: with a signing key (ed25519, PEM), every batch ends with one extra line that
// signs the seq and hash of its last event. The hash chain makes that signature cover every event
// before it, so anyone without the key who rewrites an event (and re-chains every hash after it) or
// appends one cannot produce a batch that verifies against the public key. See SPEC.md §threat model.
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from '@modelship/manifest/verify';
import type { LedgerProblem } from './errors.js';
import type { LedgerEvent } from './events.js';

export const batchSignatureSchemaId = 'modelship.ledger.batch-signature/v1';

export interface BatchSignature {
  schema: typeof batchSignatureSchemaId;
  /** Seq and hash of the batch's last event: what is signed, as canonical JSON `{hash, seq}`. */
  seq: number;
  hash: string;
  /** `ed25519:` + the first 16 hex chars of the SHA-256 of the public key (DER), to tell keys apart. */
  keyId: string;
  /** Base64 ed25519 signature. */
  signature: string;
}

export interface LedgerSigner {
  keyId: string;
  publicKey: KeyObject;
  sign(payload: { seq: number; hash: string }): string;
}

function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `ed25519:${createHash('sha256').update(der).digest('hex').slice(0, 16)}`;
}

const signedBytes = (payload: { seq: number; hash: string }) =>
  Buffer.from(canonicalJson({ hash: payload.hash, seq: payload.seq }));

/** A signer from an ed25519 private key in PEM; throws a message naming `source` if it is not one. */
export function createLedgerSigner(pem: string, source = 'the ledger signing key'): LedgerSigner {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error(
      `${source} is not a PEM private key; generate one with \`openssl genpkey -algorithm ed25519\``,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${source} is a ${key.asymmetricKeyType} key; ledger signing needs ed25519`);
  }
  const publicKey = createPublicKey(key);
  return {
    keyId: keyIdOf(publicKey),
    publicKey,
    sign: (payload) => sign(null, signedBytes(payload), key).toString('base64'),
  };
}

/** An ed25519 public key from PEM (SPKI). */
export function parseLedgerPublicKey(pem: string, source = 'the ledger public key'): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new Error(`${source} is not a PEM public key (openssl pkey -in key.pem -pubout)`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${source} is not an ed25519 key`);
  return key;
}

export function verifySignature(
  publicKey: KeyObject,
  payload: { seq: number; hash: string },
  signature: string,
): boolean {
  try {
    return verify(null, signedBytes(payload), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** The trailer line a signed batch ends with. */
export function signatureLine(signer: LedgerSigner, events: readonly LedgerEvent[]): string {
  const last = events[events.length - 1]!;
  const trailer: BatchSignature = {
    schema: batchSignatureSchemaId,
    seq: last.seq,
    hash: last.hash,
    keyId: signer.keyId,
    signature: signer.sign({ seq: last.seq, hash: last.hash }),
  };
  return JSON.stringify(trailer);
}

/** True for a batch's signature trailer line (readers skip it: it is not an event). */
export function isSignatureLine(line: string): boolean {
  return line.includes(batchSignatureSchemaId) && parseSignatureLine(line) !== null;
}

function parseSignatureLine(line: string): BatchSignature | null {
  try {
    const value = JSON.parse(line) as Partial<BatchSignature>;
    return value.schema === batchSignatureSchemaId &&
      typeof value.seq === 'number' &&
      typeof value.hash === 'string' &&
      typeof value.signature === 'string'
      ? (value as BatchSignature)
      : null;
  } catch {
    return null;
  }
}

/** Splits a stored batch into its event lines and its signature trailer, if any. */
export function splitBatch(text: string): { lines: string[]; signature: BatchSignature | null } {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const last = lines[lines.length - 1];
  const signature = last !== undefined ? parseSignatureLine(last) : null;
  return { lines: signature ? lines.slice(0, -1) : lines, signature };
}

/**
 * With a public key, every batch must carry a signature by it over its last event: an unsigned
 * batch, a signature by another key, or one over a different seq/hash (a re-chained batch) is a problem.
 */
export function checkBatchSignatures(
  batches: readonly { firstSeq: number; text: string | null }[],
  publicKey: KeyObject,
): LedgerProblem[] {
  const problems: LedgerProblem[] = [];
  for (const batch of batches) {
    if (batch.text === null) continue;
    const { lines, signature } = splitBatch(batch.text);
    let last: { seq?: number; hash?: string; id?: string; type?: string } = {};
    try {
      last = JSON.parse(lines[lines.length - 1] ?? '{}');
    } catch {
      // An unreadable event is reported by the chain check.
    }
    const seq = typeof last.seq === 'number' ? last.seq : batch.firstSeq + lines.length - 1;
    const name = `batch ${batch.firstSeq}..${seq}${last.id ? ` (last event ${last.id}, ${last.type})` : ''}`;
    if (!signature) {
      problems.push({ seq, id: last.id, kind: 'unsigned', message: `${name} is not signed` });
    } else if (signature.seq !== last.seq || signature.hash !== last.hash) {
      problems.push({
        seq,
        id: last.id,
        kind: 'forged',
        message: `${name}: its signature covers event ${signature.seq} ${signature.hash}, not its last event; the batch was re-chained or replaced`,
      });
    } else if (!verifySignature(publicKey, signature, signature.signature)) {
      problems.push({
        seq,
        id: last.id,
        kind: 'forged',
        message: `${name}: the signature does not verify with the public key (signed by ${signature.keyId}); it was forged or signed with another key`,
      });
    }
  }
  return problems;
}
