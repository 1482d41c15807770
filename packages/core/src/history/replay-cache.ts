// Time travel over a long ledger without replaying it from event 1 each time: a query starts
// from the newest cached state before its cut (history-cache.ts), replays the cached segment of
// events after it, and reads ledger batches only past the cache, caching as it goes. The cache is
// a copy of what the events already say: deleting it only costs time.
import { LedgerIntegrityError } from '../ledger/errors.js';
import type { LedgerEvent } from '../ledger/events.js';
import { createReplayer, type Replayer } from '../state/reducer.js';
import { emptyState, type LedgerState } from '../state/types.js';
import { type CutPoint, isPastCut } from './cut.js';
import { createHistoryBuilder, type HistoryLog, stageTenures, type Tenure } from './fold.js';
import { type BatchSource, HistoryCache, type Position, type StageTenures } from './history-cache.js';

export { type BatchSource, historyCacheFormat, type StageTenures } from './history-cache.js';

export interface TimeTravelOptions {
  /** Directory of the cache; without one every query replays from event 1. */
  cacheDir?: string;
  /** Events between two cached states (default 500). */
  every?: number;
}

const later = (a: string | null, b: string) => (a === null || b > a ? b : a);

/**
 * What a walk tells its caller. States are the walk's own and change with the next event: read
 * them in the hook, and keep `replayer.snapshot()` where one must last.
 */
interface WalkHooks {
  /** Before `event` is applied: `replayer.state` is the state before it. */
  before?(event: LedgerEvent, replayer: Replayer): void;
  /** After `event` is applied. */
  after?(event: LedgerEvent, state: LedgerState, signedBy?: string): void;
  /** After each whole batch; true stops the walk. */
  batch(at: Position & { batch: number }): Promise<boolean>;
}

/**
 * Reads batches after `from` in order (a few ahead, so a slow store overlaps its reads) and
 * replays them in place (linear in the events), until the head or until `hooks.batch` says stop.
 * The returned state is the caller's.
 */
async function walk(source: BatchSource, from: Position, hooks: WalkHooks): Promise<Position> {
  // At the head already: one missing file says so, without listing every batch.
  const next = await source.readBatchAt(from.state.seq + 1);
  if (next === null) return from;
  const starts = await source.batchStarts();
  let index = starts.findIndex((start) => start > from.state.seq);
  if (index === -1) return from;
  if (starts[index] !== from.state.seq + 1) {
    const seq = from.state.seq + 1;
    throw new LedgerIntegrityError(
      `the ledger has no batch starting at event ${seq} (the next starts at ${starts[index]}); run \`modelship ledger verify\``,
      [{ seq, kind: 'missing', message: `events from ${seq} are missing` }],
    );
  }
  const ahead = 16;
  const reads = new Map<number, ReturnType<BatchSource['readBatchAt']>>([[index, Promise.resolve(next)]]);
  const replayer = createReplayer(from.state);
  const { state } = replayer;
  let { maxAt } = from;
  for (; index < starts.length; index += 1) {
    for (let j = index; j < Math.min(starts.length, index + ahead); j += 1)
      if (!reads.has(j)) reads.set(j, source.readBatchAt(starts[j]!));
    const batch = await reads.get(index)!;
    reads.delete(index);
    if (!batch || batch.events[0]?.seq !== state.seq + 1) break;
    for (const event of batch.events) {
      hooks.before?.(event, replayer);
      replayer.apply(event);
      maxAt = later(maxAt, event.at);
      hooks.after?.(event, state, batch.signedBy);
    }
    if (await hooks.batch({ state, maxAt, batch: starts[index]! })) break;
  }
  // Reads started ahead and not needed are left to finish; their results are dropped.
  for (const read of reads.values()) read.catch(() => undefined);
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
  const every = options.every ?? 500;
  const cache = new HistoryCache(options.cacheDir, source);
  await cache.open();
  const start = (await cache.stateBefore(cut)) ?? { state: emptyState, maxAt: null };
  const replayer = createReplayer(start.state);
  let { maxAt } = start;
  let lastAt: string | null = null;
  const segment = await cache.segmentAfter(start.state);
  for (const event of segment ?? []) {
    if (isPastCut(event, cut)) return { state: replayer.state, lastAt: lastAt ?? start.maxAt };
    replayer.apply(event);
    maxAt = later(maxAt, event.at);
    lastAt = event.at;
  }
  // Past the cache: read batches, keeping a state (and the segment leading to it) every `every`
  // events and wherever one is already cached, so segments always run from state to state. The
  // walk goes on past the cut to the next state it keeps, so the next query near it reads no batch.
  const known = cache.checkpointSeqs();
  const caching = options.cacheDir !== undefined;
  let segmentFrom = replayer.state.seq;
  let pending: LedgerEvent[] = [];
  let atCut: StateAtResult | undefined;
  /** The last batch walked when it was not saved (its state is the walk's, so only where it ends). */
  let unsaved: { seq: number; maxAt: string | null; batch: number } | undefined;
  const end = await walk(
    source,
    { state: replayer.state, maxAt },
    {
      before: (event, walking) => {
        if (!atCut && isPastCut(event, cut)) {
          const before = walking.snapshot();
          atCut = { state: before, lastAt: lastAt ?? (before.seq > 0 ? start.maxAt : null) };
        }
        if (!atCut) lastAt = event.at;
        pending.push(event);
      },
      batch: async (at) => {
        if (at.state.seq - segmentFrom < every && !known.has(at.state.seq)) {
          unsaved = { seq: at.state.seq, maxAt: at.maxAt, batch: at.batch };
          return atCut !== undefined && !caching;
        }
        await cache.save('checkpoint', { ...at, segmentFrom, segment: pending });
        segmentFrom = at.state.seq;
        pending = [];
        unsaved = undefined;
        return atCut !== undefined;
      },
    },
  );
  // A walk that reached the head keeps it too, so queries near the head read no batch next time.
  if (unsaved && unsaved.seq === end.state.seq) {
    const { maxAt: unsavedMaxAt, batch } = unsaved;
    await cache.save('checkpoint', {
      state: end.state,
      maxAt: unsavedMaxAt,
      batch,
      segmentFrom,
      segment: pending,
    });
  }
  return atCut ?? { state: end.state, lastAt: lastAt ?? (end.state.seq > 0 ? start.maxAt : null) };
}

/** The state and the whole promotion history at the head of the ledger. */
export async function ledgerHistory(
  source: BatchSource,
  options: TimeTravelOptions = {},
): Promise<{ state: LedgerState; log: HistoryLog }> {
  const cache = new HistoryCache(options.cacheDir, source);
  await cache.open();
  const start = (await cache.logEntry()) ?? { state: emptyState, maxAt: null, log: undefined };
  const builder = createHistoryBuilder(start.log);
  /** The last batch walked; the walk ends right after it, so its state is the end's. */
  let last: { maxAt: string | null; batch: number } | undefined;
  const end = await walk(source, start, {
    after: (event, state, signedBy) => builder.add(event, state, signedBy),
    batch: async (at) => {
      last = { maxAt: at.maxAt, batch: at.batch };
      return false;
    },
  });
  if (last) {
    await cache.save('log', { state: end.state, maxAt: last.maxAt, batch: last.batch, log: builder.log });
    const byStage = new Map<string, { model: string; stage: string; tenures: Tenure[] }>();
    for (const { model, stage } of builder.log.records) {
      const key = `${model}\u0000${stage}`;
      if (!byStage.has(key))
        byStage.set(key, { model, stage, tenures: stageTenures(builder.log, model, stage) });
    }
    for (const [key, group] of byStage) if (group.tenures.length === 0) byStage.delete(key);
    await cache.saveTenures({ seq: end.state.seq, hash: end.state.hash, batch: last.batch }, byStage);
  }
  return { state: end.state, log: builder.log };
}

/** One stage's champions at the head: from the cache when the ledger has not moved, else by a walk. */
export async function ledgerTenures(
  source: BatchSource,
  model: string,
  stage: string,
  options: TimeTravelOptions = {},
): Promise<StageTenures> {
  const cache = new HistoryCache(options.cacheDir, source);
  await cache.open();
  const cached = await cache.tenuresAtHead(model, stage);
  if (cached) return cached;
  const { state, log } = await ledgerHistory(source, options);
  const modelState = state.models[model];
  return {
    tenures: stageTenures(log, model, stage),
    stages: modelState
      ? Object.keys(modelState.stages).filter((name) => stageTenures(log, model, name).length > 0)
      : undefined,
  };
}
