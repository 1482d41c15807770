// The files beside a file ledger that make time travel fast (SPEC.md, "History cache"): states
// every N events, the events between two states (a segment), and the history log at the
// furthest point walked. Nothing here is trusted on its own: a state is used only if its digest
// matches and its seq/hash are those of the last event of the ledger batch it names; a segment
// only if every event's hash recomputes and links from that state's hash. Writes are best effort.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashEvent, type LedgerEvent } from '../ledger/events.js';
import type { LedgerState } from '../state/types.js';
import type { CutPoint } from './cut.js';
import type { HistoryLog, Tenure } from './fold.js';

export const historyCacheFormat = 'modelship.history-cache/v1';

/** What a ledger offers for reading from the middle of its chain (StoreLedger does). */
export interface BatchSource {
  batchStarts(): Promise<number[]>;
  readBatchAt(firstSeq: number): Promise<{ events: LedgerEvent[]; text?: string; signedBy?: string } | null>;
  /** Seq and hash of a batch's last event, read without checking the batch (cheaper than readBatchAt). */
  batchTail?(firstSeq: number): Promise<{ seq: number; hash: string } | null>;
  /** The raw text of a batch, unchecked. */
  readBatchText?(firstSeq: number): Promise<string | null>;
}

export interface CacheEntry {
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

export interface SegmentEntry {
  /** Seq of the state the segment follows (0: the start of the ledger). */
  from: number;
  to: number;
  file: string;
}

/** Every stage's tenures at the log's point, one file per model and stage (what `history --stage` reads). */
interface TenureIndex {
  seq: number;
  hash: string | null;
  batch: number;
  /** Model → the stages that have had a champion. */
  models: Record<string, string[]>;
  files: Record<string, { file: string; digest: string }>;
}

interface CacheIndex {
  schema: typeof historyCacheFormat;
  checkpoints: CacheEntry[];
  segments?: SegmentEntry[];
  log?: CacheEntry;
  tenures?: TenureIndex;
}

export interface StageTenures {
  tenures: Tenure[];
  /** Stages of the model that have had a champion; undefined when the model is not in the ledger. */
  stages: string[] | undefined;
}

const tenureKey = (model: string, stage: string) => `${model}\u0000${stage}`;

export interface Position {
  state: LedgerState;
  maxAt: string | null;
}

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const pad = (seq: number) => String(seq).padStart(12, '0');

export class HistoryCache {
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

  checkpointSeqs(): Set<number> {
    return new Set(this.index.checkpoints.map((entry) => entry.seq));
  }

  /** Newest cached state at or before the cut that checks out against the chain; else none. */
  async stateBefore(cut: CutPoint): Promise<Position | undefined> {
    const fits = (entry: CacheEntry) =>
      cut.kind === 'seq' ? entry.seq <= cut.seq : entry.maxAt === null || Date.parse(entry.maxAt) <= cut.ms;
    const candidates = this.index.checkpoints.filter(fits).sort((a, b) => b.seq - a.seq);
    for (const entry of candidates) {
      const data = await this.read<{ state: LedgerState }>(entry);
      if (data) return { state: data.state, maxAt: entry.maxAt };
    }
    return undefined;
  }

  /** The events after the state at `from.seq`, if a segment holds them and they chain from its hash. */
  async segmentAfter(from: LedgerState): Promise<LedgerEvent[] | undefined> {
    const entry = this.index.segments?.find((segment) => segment.from === from.seq);
    if (!entry || !this.dir) return undefined;
    try {
      const events = JSON.parse(await readFile(join(this.dir, entry.file), 'utf8')) as LedgerEvent[];
      let prev = from.hash;
      for (const [i, event] of events.entries()) {
        if (event.seq !== from.seq + 1 + i || event.prev !== prev || hashEvent(event) !== event.hash)
          return undefined;
        prev = event.hash;
      }
      return events.at(-1)?.seq === entry.to ? events : undefined;
    } catch {
      return undefined;
    }
  }

  async logEntry(): Promise<(Position & { log: HistoryLog }) | undefined> {
    const entry = this.index.log;
    const data = entry && (await this.read<{ state: LedgerState; log: HistoryLog }>(entry));
    return data && entry ? { state: data.state, log: data.log, maxAt: entry.maxAt } : undefined;
  }

  /** One stage's tenures, if they were cached at the ledger's current head (else a walk is needed). */
  async tenuresAtHead(model: string, stage: string): Promise<StageTenures | undefined> {
    const entry = this.index.tenures;
    if (!entry || !this.dir || !this.source.batchTail) return undefined;
    try {
      const last = await this.source.batchTail(entry.batch);
      if (last?.seq !== entry.seq || last.hash !== entry.hash) return undefined;
      if ((await this.source.batchTail(entry.seq + 1)) !== null) return undefined;
      const stages = entry.models[model];
      const file = entry.files[tenureKey(model, stage)];
      if (!file) return { tenures: [], stages };
      const text = await readFile(join(this.dir, file.file), 'utf8');
      return sha256(text) === file.digest ? { tenures: JSON.parse(text) as Tenure[], stages } : undefined;
    } catch {
      return undefined;
    }
  }

  async saveTenures(
    at: { seq: number; hash: string | null; batch: number },
    byStage: ReadonlyMap<string, { model: string; stage: string; tenures: Tenure[] }>,
  ): Promise<void> {
    if (!this.dir) return;
    try {
      const index: TenureIndex = { ...at, models: {}, files: {} };
      for (const { model, stage, tenures } of byStage.values()) {
        index.models[model] = [...(index.models[model] ?? []), stage];
        const text = JSON.stringify(tenures);
        const name = createHash('sha256').update(tenureKey(model, stage)).digest('hex').slice(0, 16);
        const file = `tenures-${name}.json`;
        await this.write(file, text);
        index.files[tenureKey(model, stage)] = { file, digest: sha256(text) };
      }
      this.index.tenures = index;
      await this.write('index.json', JSON.stringify(this.index));
    } catch {
      // A cache that cannot be written only costs time.
    }
  }

  private async read<T>(entry: CacheEntry): Promise<T | undefined> {
    if (!this.dir) return undefined;
    try {
      const text = await readFile(join(this.dir, entry.file), 'utf8');
      if (sha256(text) !== entry.digest) return undefined;
      const data = JSON.parse(text) as { state: LedgerState };
      if (data.state.seq !== entry.seq || data.state.hash !== entry.hash) return undefined;
      const last = this.source.batchTail
        ? await this.source.batchTail(entry.batch)
        : (await this.source.readBatchAt(entry.batch))?.events.at(-1);
      return last?.seq === entry.seq && last.hash === entry.hash ? (data as T) : undefined;
    } catch {
      return undefined;
    }
  }

  private async write(file: string, text: string): Promise<void> {
    const dir = this.dir!;
    await mkdir(dir, { recursive: true });
    const temp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    await writeFile(temp, text);
    await rename(temp, join(dir, file));
  }

  /** A state (with the segment of events that led to it from `segmentFrom`), or the history log. */
  async save(
    kind: 'checkpoint' | 'log',
    at: Position & { batch: number; log?: HistoryLog; segmentFrom?: number; segment?: LedgerEvent[] },
  ): Promise<void> {
    if (!this.dir) return;
    try {
      const file = kind === 'log' ? 'log.json' : `state-${pad(at.state.seq)}.json`;
      const text = JSON.stringify(kind === 'log' ? { state: at.state, log: at.log } : { state: at.state });
      await this.write(file, text);
      const entry: CacheEntry = {
        seq: at.state.seq,
        hash: at.state.hash,
        batch: at.batch,
        maxAt: at.maxAt,
        file,
        digest: sha256(text),
      };
      if (kind === 'log') this.index.log = entry;
      // An entry at the same seq is replaced: it may be one that no longer checked out.
      else this.index.checkpoints = [...this.index.checkpoints.filter((e) => e.seq !== entry.seq), entry];
      if (at.segment?.length && at.segmentFrom !== undefined) {
        const segment = {
          from: at.segmentFrom,
          to: at.state.seq,
          file: `events-${pad(at.segmentFrom + 1)}.json`,
        };
        await this.write(segment.file, JSON.stringify(at.segment));
        this.index.segments = [
          ...(this.index.segments ?? []).filter((s) => s.from !== segment.from),
          segment,
        ];
      }
      await this.write('index.json', JSON.stringify(this.index));
    } catch {
      // A cache that cannot be written only costs time.
    }
  }
}
