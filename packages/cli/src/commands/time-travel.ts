// What `status --at`, `history --stage` and `report` read: the ledger batch by batch, with the
// history cache beside a file ledger (`<dir>/history-cache/`, SPEC.md). Other ledgers are read
// from their first event each time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BatchSource, Ledger, TimeTravelOptions } from '@modelship/core';

type FileLike = Partial<BatchSource> & { dir?: string; eventsDir?: string };

export async function historySource(
  ledger: Ledger,
): Promise<{ source: BatchSource; options: TimeTravelOptions }> {
  const batched = ledger as unknown as FileLike;
  if (typeof batched.batchStarts !== 'function' || typeof batched.readBatchAt !== 'function')
    return { source: wholeLedger(ledger), options: {} };
  const source = ledger as unknown as BatchSource;
  if (ledger.kind !== 'file' || !batched.dir || !batched.eventsDir) return { source, options: {} };
  return {
    source: await fileReads(source, batched.eventsDir),
    options: { cacheDir: join(batched.dir, 'history-cache') },
  };
}

/**
 * A file ledger's batches read synchronously: a report reads every batch, and tens of thousands
 * of small asynchronous reads (open, stat, read, close through the thread pool) cost seconds
 * where synchronous ones cost a fraction of that. Nothing else runs in the process meanwhile.
 */
async function fileReads(source: BatchSource, eventsDir: string): Promise<BatchSource> {
  const { batchSignatureSchemaId, parseBatch } = await import('@modelship/core');
  const signer = (raw: string): string | undefined => {
    const last = raw.trimEnd().split('\n').at(-1) ?? '';
    if (!last.includes(batchSignatureSchemaId)) return undefined;
    try {
      const keyId = (JSON.parse(last) as { keyId?: unknown }).keyId;
      return typeof keyId === 'string' ? keyId : undefined;
    } catch {
      return undefined;
    }
  };
  const text = (firstSeq: number): string | null => {
    try {
      return readFileSync(join(eventsDir, `${String(firstSeq).padStart(12, '0')}.jsonl`), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  };
  return {
    batchStarts: () => source.batchStarts(),
    ...(source.batchTail ? { batchTail: (seq: number) => source.batchTail!(seq) } : {}),
    readBatchText: async (firstSeq) => text(firstSeq),
    readBatchAt: async (firstSeq) => {
      const raw = text(firstSeq);
      if (raw === null) return null;
      const signedBy = signer(raw);
      return { events: parseBatch(raw, firstSeq), text: raw, ...(signedBy ? { signedBy } : {}) };
    },
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
