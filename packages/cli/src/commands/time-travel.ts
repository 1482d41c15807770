// What `status --at`, `history --stage` and `report` read: the ledger batch by batch, with a
// history cache (SPEC.md): beside a file ledger (`<dir>/history-cache/`), on this machine for an
// S3 ledger (remoteCacheDir). A memory ledger is read from its first event each time.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { BatchSource, Ledger, TimeTravelOptions } from '@modelship/core';

type FileLike = Partial<BatchSource> & { dir?: string; eventsDir?: string };

/** Where the ledger was opened from (`--ledger`, the config) and the environment of the run. */
export interface LedgerWhere {
  location: string;
  env: Record<string, string | undefined>;
}

/**
 * An S3 ledger's history cache, one folder per ledger URI under MODELSHIP_HISTORY_CACHE, else
 * beside the user's other caches ($XDG_CACHE_HOME, else ~/.cache): without it every query reads
 * every batch over the network. A CI job keeps it between runs with actions/cache. Nothing in it is
 * used unless the ledger's own hashes agree (SPEC.md, "History cache").
 */
export function remoteCacheDir({ location, env }: LedgerWhere): string {
  const base =
    env.MODELSHIP_HISTORY_CACHE ??
    join(env.XDG_CACHE_HOME ?? join(env.HOME ?? homedir(), '.cache'), 'modelship', 'history-cache');
  const uri = location.endsWith('/') ? location : `${location}/`;
  return join(base, `s3-${createHash('sha256').update(uri).digest('hex').slice(0, 16)}`);
}

export async function historySource(
  ledger: Ledger,
  where: LedgerWhere,
): Promise<{ source: BatchSource; options: TimeTravelOptions }> {
  const batched = ledger as unknown as FileLike;
  if (typeof batched.batchStarts !== 'function' || typeof batched.readBatchAt !== 'function')
    return { source: wholeLedger(ledger), options: {} };
  const source = ledger as unknown as BatchSource;
  if (ledger.kind === 's3') return { source, options: { cacheDir: remoteCacheDir(where) } };
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
