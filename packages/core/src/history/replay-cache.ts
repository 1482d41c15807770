// Time travel over a long ledger without replaying it from event 1 each time: states are kept
// every `every` events (at batch ends) in a cache directory, and the history log at the furthest
// point walked. A cache entry is used only if its file matches the digest in the index and its
// seq/hash are those of the last event of the batch it names; anything else is ignored and
// rebuilt. The cache is a copy of what the events already say: deleting it only costs time.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LedgerIntegrityError } from '../ledger/errors.js';
import type { LedgerEvent } from '../ledger/events.js';
import { reduce } from '../state/reducer.js';
import { emptyState, type LedgerState } from '../state/types.js';
import { type CutPoint, isPastCut } from './cut.js';
import { createHistoryBuilder, type HistoryLog } from './fold.js';

/** What a ledger offers for reading from the middle of its chain (StoreLedger does). */
export interface BatchSource {
  batchStarts(): Promise<number[]>;
  readBatchAt(firstSeq: number): Promise<{ events: LedgerEvent[]; text?: string; signedBy?: string } | null>;
}

export const historyCacheFormat = 'modelship.history-cache/v1';

interface CacheEntry {
  seq: number;
  hash: string | null;
  /** First seq of the batch whose last event is `seq`. */
  batch: number;
  /** Latest `at` of any event up to `seq` (a time cut at or after it includes them all). */
  maxAt: string | null;
  file: string;
  /** `sha256:` of the file's bytes. */
  digest: string;
}

interface CacheIndex {
  schema: typeof historyCacheFormat;
  checkpoints: CacheEntry[];
  /** The state and history log at the furthest point walked. */
  log?: CacheEntry;
}

export interface TimeTravelOptions {
  /** Directory of the cache; without one every query replays from event 1. */
  cacheDir?: string;
  /** Events between two cached states (default 1000). */
  every?: number;
}

interface Position {
  state: LedgerState;
  maxAt: string | null;
}

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const pad = (seq: number) => String(seq).padStart(12, '0');

class HistoryCache {
  private index: CacheIndex = { schema: historyCacheFormat, checkpoints: [] };

  constructor(
    private readonly dir: string | undefined,
    private readonly source: BatchSource,
  ) {}

  async open(): Promise<void> {
    if (!this.dir) return;
    try {
      const index = JSON.parse(await readFile(join(this.dir, 'index.json'), 'utf8')) as CacheIndex;
      if (index.schema === historyCacheFormat && Array.isArray(index.checkpoints)) this.index = index;
    } catch {
      // No cache yet, or an unreadable one: it is rebuilt as the ledger is walked.
    }
  }

  /** Newest cached state at or before the cut, checked against the chain; else the empty state. */
  async stateBefore(cut: CutPoint | undefined): Promise<Position> {
    const fits = (entry: CacheEntry) =>
      !cut ||
      (cut.kind === 'seq' ? entry.seq <= cut.seq : entry.maxAt === null || Date.parse(entry.maxAt) <= cut.ms);
    const candidates = [...this.index.checkpoints, ...(this.index.log ? [this.index.log] : [])]
      .filter(fits)
      .sort((a, b) => b.seq - a.seq);
    for (const entry of candidates) {
      const data = await this.read<{ state: LedgerState }>(entry);
      if (data) return { state: data.state, maxAt: entry.maxAt };
    }
    return { state: emptyState, maxAt: null };
  }

  async logEntry(): Promise<(Position & { log: HistoryLog }) | undefined> {
    const entry = this.index.log;
    const data = entry && (await this.read<{ state: LedgerState; log: HistoryLog }>(entry));
    return data && entry ? { state: data.state, log: data.log, maxAt: entry.maxAt } : undefined;
  }

  lastCheckpoint(): number {
    return Math.max(0, ...this.index.checkpoints.map((entry) => entry.seq));
  }

  private async read<T>(entry: CacheEntry): Promise<T | undefined> {
    if (!this.dir) return undefined;
    try {
      const text = await readFile(join(this.dir, entry.file), 'utf8');
      if (sha256(text) !== entry.digest) return undefined;
      const data = JSON.parse(text) as { state: LedgerState };
      if (data.state.seq !== entry.seq || data.state.hash !== entry.hash) return undefined;
      const last = (await this.source.readBatchAt(entry.batch))?.events.at(-1);
      return last?.seq === entry.seq && last.hash === entry.hash ? (data as T) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Best effort, like the ledger's snapshot: a cache that cannot be written only costs time. */
  async save(kind: 'checkpoint' | 'log', at: Position & { batch: number; log?: HistoryLog }): Promise<void> {
    if (!this.dir) return;
    try {
      await mkdir(this.dir, { recursive: true });
      const file = kind === 'log' ? 'log.json' : `state-${pad(at.state.seq)}.json`;
      const text = JSON.stringify(kind === 'log' ? { state: at.state, log: at.log } : { state: at.state });
      const temp = join(this.dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
      await writeFile(temp, text);
      await rename(temp, join(this.dir, file));
      const entry: CacheEntry = {
        seq: at.state.seq,
        hash: at.state.hash,
        batch: at.batch,
        maxAt: at.maxAt,
        file,
        digest: sha256(text),
      };
      if (kind === 'log') this.index.log = entry;
      else this.index.checkpoints = [...this.index.checkpoints.filter((e) => e.seq !== entry.seq), entry];
      const indexTemp = `${temp}.index`;
      await writeFile(indexTemp, JSON.stringify(this.index));
      await rename(indexTemp, join(this.dir, 'index.json'));
    } catch {
      // see above
    }
  }
}

const later = (a: string | null, b: string) => (a === null || b > a ? b : a);

/**
 * Reads batches after `from` in order (a few ahead, so a slow store overlaps its reads), until
 * the head or the first event past `cut`. `onBatch` sees the position after each whole batch.
 */
async function walk(
  source: BatchSource,
  from: Position,
  cut: CutPoint | undefined,
  onEvent: ((event: LedgerEvent, state: LedgerState, signedBy?: string) => void) | undefined,
  onBatch: (at: Position & { batch: number }) => Promise<void>,
): Promise<Position> {
  const starts = await source.batchStarts();
  let index = starts.findIndex((start) => start > from.state.seq);
  if (index === -1) return from;
  if (starts[index] !== from.state.seq + 1) {
    throw new LedgerIntegrityError(
      `the ledger has no batch starting at event ${from.state.seq + 1} (next is ${starts[index]}); run \`modelship ledger verify\``,
      [
        {
          seq: from.state.seq + 1,
          kind: 'missing',
          message: `events from ${from.state.seq + 1} are missing`,
        },
      ],
    );
  }
  const ahead = 16;
  const reads = new Map<number, ReturnType<BatchSource['readBatchAt']>>();
  const fetch = (i: number) => {
    for (let j = i; j < Math.min(starts.length, i + ahead); j += 1)
      if (!reads.has(j)) reads.set(j, source.readBatchAt(starts[j]!));
  };
  let { state, maxAt } = from;
  for (; index < starts.length; index += 1) {
    fetch(index);
    const batch = await reads.get(index)!;
    reads.delete(index);
    if (!batch || batch.events[0]?.seq !== state.seq + 1) break;
    for (const event of batch.events) {
      if (cut && isPastCut(event, cut)) return { state, maxAt };
      state = reduce(state, event);
      maxAt = later(maxAt, event.at);
      onEvent?.(event, state, batch.signedBy);
    }
    await onBatch({ state, maxAt, batch: starts[index]! });
  }
  return { state, maxAt };
}

export interface StateAtResult {
  state: LedgerState;
  /** `at` of the last event applied (null for an empty ledger or a cut before event 1). */
  lastAt: string | null;
}

/** The ledger state after the last event at or before `cut` (replayed by core's reducer). */
export async function ledgerStateAt(
  source: BatchSource,
  cut: CutPoint,
  options: TimeTravelOptions = {},
): Promise<StateAtResult> {
  const every = options.every ?? 1000;
  const cache = new HistoryCache(options.cacheDir, source);
  await cache.open();
  let saved = cache.lastCheckpoint();
  let lastAt: string | null = null;
  const start = await cache.stateBefore(cut);
  const end = await walk(
    source,
    start,
    cut,
    (event) => {
      lastAt = event.at;
    },
    async (at) => {
      if (at.state.seq - saved >= every) {
        saved = at.state.seq;
        await cache.save('checkpoint', at);
      }
    },
  );
  // A cut landing on a cached state applied no event: its time is that of the state's last event.
  return { state: end.state, lastAt: lastAt ?? (end.state.seq === start.state.seq ? start.maxAt : null) };
}

/** The state and the whole promotion history at the head of the ledger. */
export async function ledgerHistory(
  source: BatchSource,
  options: TimeTravelOptions = {},
): Promise<{ state: LedgerState; log: HistoryLog }> {
  const every = options.every ?? 1000;
  const cache = new HistoryCache(options.cacheDir, source);
  await cache.open();
  const start = (await cache.logEntry()) ?? { state: emptyState, maxAt: null, log: undefined };
  const builder = createHistoryBuilder(start.log);
  let saved = cache.lastCheckpoint();
  let last: (Position & { batch: number }) | undefined;
  const end = await walk(
    source,
    start,
    undefined,
    (event, state, signedBy) => builder.add(event, state, signedBy),
    async (at) => {
      last = at;
      if (at.state.seq - saved >= every) {
        saved = at.state.seq;
        await cache.save('checkpoint', at);
      }
    },
  );
  if (last) await cache.save('log', { ...last, log: builder.log });
  return { state: end.state, log: builder.log };
}
