// What `status --at`, `history --stage` and `report` read: the ledger batch by batch, with the
// history cache beside a file ledger (`<dir>/history-cache/`, SPEC.md). Other ledgers are read
// from their first event each time.
import { join } from 'node:path';
import type { BatchSource, Ledger, TimeTravelOptions } from '@modelship/core';

export function historySource(ledger: Ledger): { source: BatchSource; options: TimeTravelOptions } {
  const batched = ledger as Partial<BatchSource> & { dir?: string };
  const source: BatchSource =
    typeof batched.batchStarts === 'function' && typeof batched.readBatchAt === 'function'
      ? (ledger as unknown as BatchSource)
      : wholeLedger(ledger);
  return {
    source,
    options: ledger.kind === 'file' && batched.dir ? { cacheDir: join(batched.dir, 'history-cache') } : {},
  };
}

/** A ledger without batch access read as one batch. */
function wholeLedger(ledger: Ledger): BatchSource {
  let events: ReturnType<Ledger['read']> | undefined;
  const all = () => {
    events ??= ledger.read();
    return events;
  };
  return {
    batchStarts: async () => ((await all()).length ? [1] : []),
    readBatchAt: async (firstSeq) => (firstSeq === 1 ? { events: await all() } : null),
  };
}
