// The embedded default ledger in `.modelship/`. A batch is written to a temporary file, fsynced,
// then hard-linked to its numbered name — link fails if the name exists, so a batch is created at
// most once even without the lock — and the directory is fsynced. A process killed at any point
// leaves either no batch or a complete one, never half of one.
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { withFileLock } from './lock.js';
import { type BatchStore, type LedgerTrust, type Snapshot, StoreLedger } from './store.js';

export interface FileLedgerOptions {
  /**
   * A lock taken on another host (whose pid cannot be checked) older than this is abandoned
   * (default 5000 ms); on this host a lock is taken over as soon as its holder's pid is gone.
   */
  staleLockMs?: number;
  /** How long to wait for a live holder before failing with a message naming it (default 30 s, or MODELSHIP_LEDGER_LOCK_WAIT_MS). */
  lockWaitMs?: number;
  /** Signing and verification keys (SPEC.md, threat model). */
  trust?: LedgerTrust;
}

const pad = (seq: number) => String(seq).padStart(12, '0');
const batchPattern = /^(\d{12})\.jsonl$/;

async function writeDurably(path: string, text: string): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}

const tempName = (dir: string) => join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);

class FileBatchStore implements BatchStore {
  readonly eventsDir: string;
  private readonly snapshotPath: string;
  private ready: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    private readonly options: FileLedgerOptions,
  ) {
    this.eventsDir = join(dir, 'ledger');
    this.snapshotPath = join(dir, 'snapshot.json');
  }

  private ensure(): Promise<void> {
    this.ready ??= mkdir(this.eventsDir, { recursive: true }).then(() => undefined);
    return this.ready;
  }

  async readBatch(firstSeq: number): Promise<string | null> {
    try {
      return await readFile(join(this.eventsDir, `${pad(firstSeq)}.jsonl`), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async createBatch(firstSeq: number, text: string): Promise<boolean> {
    await this.ensure();
    const temp = tempName(this.eventsDir);
    await writeDurably(temp, text);
    try {
      await link(temp, join(this.eventsDir, `${pad(firstSeq)}.jsonl`));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
    await syncDirectory(this.eventsDir);
    return true;
  }

  async listBatches(): Promise<number[]> {
    const names = await readdir(this.eventsDir).catch(() => [] as string[]);
    return names.flatMap((name) => {
      const match = batchPattern.exec(name);
      return match ? [Number(match[1])] : [];
    });
  }

  async readSnapshot(): Promise<Snapshot | null> {
    try {
      return JSON.parse(await readFile(this.snapshotPath, 'utf8')) as Snapshot;
    } catch {
      return null;
    }
  }

  async writeSnapshot(snapshot: Snapshot, options: { replace?: boolean } = {}): Promise<void> {
    await this.ensure();
    const current = await this.readSnapshot();
    // Never regress to an older snapshot, unless the current one was found untrustworthy.
    if (current && current.seq >= snapshot.seq && !options.replace) return;
    const temp = tempName(this.dir);
    await writeDurably(temp, JSON.stringify(snapshot));
    await rename(temp, this.snapshotPath);
  }

  async withAppendLock<T>(fn: () => Promise<T>): Promise<T> {
    await this.ensure();
    const waitMs =
      this.options.lockWaitMs ?? (Number(process.env.MODELSHIP_LEDGER_LOCK_WAIT_MS) || undefined);
    return withFileLock(join(this.dir, 'ledger.lock'), fn, {
      staleMs: Math.max(2_000, this.options.staleLockMs ?? 5_000),
      ...(waitMs ? { waitMs } : {}),
    });
  }
}

/** The file-backed ledger; `dir` defaults to `.modelship` under the working directory. */
export class FileLedger extends StoreLedger {
  readonly dir: string;

  constructor(dir = '.modelship', options: FileLedgerOptions = {}) {
    const absolute = resolve(dir);
    super('file', new FileBatchStore(absolute, options), options.trust);
    this.dir = absolute;
  }

  /** Where event batches are stored (`<dir>/ledger/<12-digit first seq>.jsonl`). */
  get eventsDir(): string {
    return (this.store as FileBatchStore).eventsDir;
  }
}

export function openFileLedger(dir = '.modelship', options: FileLedgerOptions = {}): FileLedger {
  return new FileLedger(dir, options);
}
