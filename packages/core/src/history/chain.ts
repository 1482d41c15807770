// The verification a report shows: every event's hash, the chain links and, with a public key,
// every batch's signature — checked now, reading the batches a few at a time in parallel. Unlike
// `Ledger.verify` it neither checks events against the schema nor replays them (the report's
// history did, through the reducer), nor compares the snapshot: `modelship ledger verify` does.
import type { LedgerProblem } from '../ledger/errors.js';
import { hashEvent, type LedgerEvent, type LedgerHead } from '../ledger/events.js';
import { checkBatchSignatures, parseLedgerPublicKey, splitBatch } from '../ledger/signing.js';
import type { BatchSource } from './history-cache.js';

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

async function batchText(source: BatchSource, firstSeq: number): Promise<string | null> {
  if (source.readBatchText) return source.readBatchText(firstSeq);
  const batch = await source.readBatchAt(firstSeq);
  return batch ? (batch.text ?? batch.events.map((event) => JSON.stringify(event)).join('\n')) : null;
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
    const texts = await Promise.all(slice.map((start) => batchText(source, start)));
    texts.forEach((text, j) => {
      const start = slice[j]!;
      if (start !== expected)
        problems.push({
          seq: expected,
          kind: start > expected ? 'missing' : 'reordered',
          message: `batch ${start} follows event ${expected - 1}: events are ${start > expected ? 'missing' : 'overlapping'}`,
        });
      if (text === null) return;
      const { lines, signature } = splitBatch(text);
      if (signature) signed += 1;
      if (key) problems.push(...checkBatchSignatures([{ firstSeq: start, text }], key));
      lines.forEach((line, index) => {
        const position = start + index;
        let event: LedgerEvent;
        try {
          event = JSON.parse(line) as LedgerEvent;
        } catch {
          problems.push({
            seq: position,
            kind: 'unreadable',
            message: `event ${position} is not valid JSON`,
          });
          prev = null;
          return;
        }
        const name = `event ${position} (${event.id})`;
        if (event.seq !== position)
          problems.push({
            seq: position,
            id: event.id,
            kind: 'reordered',
            message: `${name} has seq ${event.seq}`,
          });
        else if (hashEvent(event) !== event.hash)
          problems.push({
            seq: position,
            id: event.id,
            kind: 'edited',
            message: `${name} no longer matches its hash`,
          });
        else if (event.prev !== prev)
          problems.push({
            seq: position,
            id: event.id,
            kind: 'reordered',
            message: `${name} does not link to the event before it (prev hash differs)`,
          });
        prev = event.hash;
        events += 1;
      });
      expected = start + lines.length;
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
