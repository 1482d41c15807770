// Checkpoints catch what a hash chain alone cannot: a ledger cut short (its last batches and the
// snapshot deleted) or replaced by a fork still verifies as a chain. A checkpoint `{seq, hash, at}`
// kept outside the ledger (a CI output, an artifact) must still name an event the ledger holds.
import type { LedgerProblem } from './errors.js';
import type { LedgerHead } from './events.js';
import { type LedgerSigner, parseLedgerPublicKey, splitBatch, verifySignature } from './signing.js';

export const checkpointSchemaId = 'modelship.ledger.checkpoint/v1';

export interface LedgerCheckpoint {
  schema: typeof checkpointSchemaId;
  seq: number;
  hash: string;
  at: string;
  /** With a signing key: ed25519 over canonical `{hash, seq}`, as on a batch. */
  keyId?: string;
  signature?: string;
}

export function createCheckpoint(head: LedgerHead, at: Date, signer?: LedgerSigner): LedgerCheckpoint {
  if (head.hash === null) throw new Error('the ledger is empty: there is nothing to checkpoint yet');
  const checkpoint: LedgerCheckpoint = {
    schema: checkpointSchemaId,
    seq: head.seq,
    hash: head.hash,
    at: at.toISOString(),
  };
  return signer
    ? { ...checkpoint, keyId: signer.keyId, signature: signer.sign({ seq: head.seq, hash: head.hash }) }
    : checkpoint;
}

/** Reads a checkpoint file's text; throws a message naming `source` and the expected shape. */
export function parseCheckpoint(text: string, source: string): LedgerCheckpoint {
  let value: Partial<LedgerCheckpoint> | undefined;
  try {
    value = JSON.parse(text) as Partial<LedgerCheckpoint>;
  } catch {
    value = undefined;
  }
  if (
    !value ||
    value.schema !== checkpointSchemaId ||
    typeof value.seq !== 'number' ||
    typeof value.hash !== 'string'
  ) {
    throw new Error(
      `${source} is not a ledger checkpoint; expected {"schema": "${checkpointSchemaId}", "seq", "hash", "at"} as written by \`modelship ledger checkpoint\``,
    );
  }
  return value as LedgerCheckpoint;
}

/** The checkpointed event must still be in the ledger, with the same hash (and a valid signature, with a key). */
export function checkCheckpoint(
  checkpoint: LedgerCheckpoint,
  batches: readonly { firstSeq: number; text: string | null }[],
  publicKey?: string,
): LedgerProblem[] {
  const where = `checkpoint ${checkpoint.seq} ${checkpoint.hash} (taken ${checkpoint.at})`;
  if (publicKey && checkpoint.signature) {
    const valid = verifySignature(parseLedgerPublicKey(publicKey), checkpoint, checkpoint.signature);
    if (!valid) {
      return [
        {
          seq: checkpoint.seq,
          kind: 'forged',
          message: `${where}: its signature does not verify with the public key`,
        },
      ];
    }
  }
  for (const batch of batches) {
    if (batch.text === null) continue;
    const { lines } = splitBatch(batch.text);
    if (checkpoint.seq < batch.firstSeq || checkpoint.seq >= batch.firstSeq + lines.length) continue;
    let event: { hash?: string; id?: string } = {};
    try {
      event = JSON.parse(lines[checkpoint.seq - batch.firstSeq]!);
    } catch {
      // Unreadable: the chain check names it; here it simply is not the checkpointed event.
    }
    if (event.hash === checkpoint.hash) return [];
    return [
      {
        seq: checkpoint.seq,
        id: event.id,
        kind: 'truncated',
        message: `${where}: event ${checkpoint.seq} now has hash ${event.hash ?? '(unreadable)'}; the ledger was rewritten or forked after the checkpoint`,
      },
    ];
  }
  return [
    {
      seq: checkpoint.seq,
      kind: 'truncated',
      message: `${where}: the ledger no longer holds event ${checkpoint.seq}; events were cut from its end (restore them from a backup)`,
    },
  ];
}
