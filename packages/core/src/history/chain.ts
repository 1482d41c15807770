// The verification a report shows: every event's hash, the chain links and, with a public key,
// every batch's signature — checked now, reading the batches a few at a time in parallel. Unlike
// `Ledger.verify` it does not replay the events (the report's history already did, through the
// reducer) nor compare the snapshot.
import { LedgerIntegrityError, type LedgerProblem } from '../ledger/errors.js';
import type { LedgerHead } from '../ledger/events.js';
import { checkBatchSignatures, parseLedgerPublicKey } from '../ledger/signing.js';
import type { BatchSource } from './replay-cache.js';

export interface ChainReport {
  ok: boolean;
  events: number;
  head: LedgerHead;
  /** Batches carrying a signature, of `batches`. */
  signedBatches: number;
  batches: number;
  /** True when every signature was checked against a public key. */
  signaturesChecked: boolean;
  problems: LedgerProblem[];
  checkedAt: string;
}

export async function checkLedgerChain(
  source: BatchSource,
  options: { publicKey?: string; now?: Date } = {},
): Promise<ChainReport> {
  const key = options.publicKey ? parseLedgerPublicKey(options.publicKey) : undefined;
  const starts = await source.batchStarts();
  const problems: LedgerProblem[] = [];
  const window = 32;
  let expected = 1;
  let prev: string | null = null;
  let events = 0;
  let signed = 0;
  for (let i = 0; i < starts.length; i += window) {
    const slice = starts.slice(i, i + window);
    const batches = await Promise.all(
      slice.map((start) =>
        source.readBatchAt(start).catch((error: unknown) => {
          if (error instanceof LedgerIntegrityError) problems.push(...error.problems);
          else throw error;
          return null;
        }),
      ),
    );
    batches.forEach((batch, j) => {
      const start = slice[j]!;
      if (start !== expected)
        problems.push({
          seq: expected,
          kind: start > expected ? 'missing' : 'reordered',
          message: `batch ${start} follows event ${expected - 1}: events are ${start > expected ? 'missing' : 'overlapping'}`,
        });
      if (!batch) {
        prev = null;
        return;
      }
      const first = batch.events[0];
      if (first && start === expected && first.prev !== prev)
        problems.push({
          seq: first.seq,
          id: first.id,
          kind: 'reordered',
          message: `event ${first.seq} does not link to the event before it (prev hash differs)`,
        });
      if (batch.signedBy) signed += 1;
      if (key && batch.text !== undefined)
        problems.push(...checkBatchSignatures([{ firstSeq: start, text: batch.text }], key));
      const last = batch.events.at(-1);
      events += batch.events.length;
      expected = (last?.seq ?? start - 1) + 1;
      prev = last?.hash ?? prev;
    });
  }
  return {
    ok: problems.length === 0,
    events,
    head: { seq: expected - 1, hash: prev },
    signedBatches: signed,
    batches: starts.length,
    signaturesChecked: key !== undefined,
    problems,
    checkedAt: (options.now ?? new Date()).toISOString(),
  };
}
