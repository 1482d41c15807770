// A snapshot only saves reading: it never decides alone. Before use it must match the chain (its
// seq and hash are those of the last event of the batch it names), its state must match its digest,
// and with a key its signature must verify. Anything else is ignored and rebuilt from the events.
import { createHash } from 'node:crypto';
import { canonicalJson } from '@modelship/manifest/verify';
import type { LedgerState } from '../state/types.js';
import { type LedgerSigner, parseLedgerPublicKey, verifySignature } from './signing.js';
import { parseBatch } from './verify.js';

export interface SnapshotSeal {
  /** First seq of the batch whose last event is `seq`. */
  batch?: number;
  /** `sha256:` of canonical JSON `{hash, seq, state}`. */
  digest?: string;
  keyId?: string;
  /** ed25519 over canonical `{hash: digest, seq}`. */
  signature?: string;
}

export function snapshotDigest(seq: number, hash: string | null, state: LedgerState): string {
  return `sha256:${createHash('sha256').update(canonicalJson({ hash, seq, state })).digest('hex')}`;
}

export function sealSnapshot(
  state: LedgerState,
  batch: number | undefined,
  signer: LedgerSigner | undefined,
): SnapshotSeal {
  const digest = snapshotDigest(state.seq, state.hash, state);
  return {
    ...(batch !== undefined ? { batch } : {}),
    digest,
    ...(signer ? { keyId: signer.keyId, signature: signer.sign({ seq: state.seq, hash: digest }) } : {}),
  };
}

/** True when the snapshot may be used: digest, signature (with a key) and its place in the chain all check out. */
export async function snapshotMatchesChain(
  snapshot: SnapshotSeal & { seq: number; hash: string | null; state: LedgerState },
  readBatch: (firstSeq: number) => Promise<string | null>,
  publicKey: string | undefined,
): Promise<boolean> {
  if (snapshot.batch === undefined || !snapshot.digest) return false;
  if (snapshotDigest(snapshot.seq, snapshot.hash, snapshot.state) !== snapshot.digest) return false;
  if (snapshot.state.seq !== snapshot.seq || snapshot.state.hash !== snapshot.hash) return false;
  if (publicKey) {
    if (!snapshot.signature) return false;
    const key = parseLedgerPublicKey(publicKey);
    if (!verifySignature(key, { seq: snapshot.seq, hash: snapshot.digest }, snapshot.signature)) return false;
  }
  const text = await readBatch(snapshot.batch).catch(() => null);
  if (text === null) return false;
  try {
    const events = parseBatch(text, snapshot.batch);
    const last = events[events.length - 1];
    return last?.seq === snapshot.seq && last.hash === snapshot.hash;
  } catch {
    return false;
  }
}
