// The embedded default ledger in `.modelship/`. A batch is written to a temporary file, fsynced,
// then hard-linked to its numbered name — link fails if the name exists, so a batch is created at
// most once even without the lock — and the directory is fsynced. A process killed at any point
// leaves either no batch or a complete one, never half of one.
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type BatchStore, type Snapshot, StoreLedger } from './store.js';

export interface FileLedgerOptions {
  /** A lock older than this is considered abandoned by a killed process (default 5000 ms). */
  staleLockMs?: number;
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

  async writeSnapshot(snapshot: Snapshot): Promise<void> {
    await this.ensure();
    const current = await this.readSnapshot();
    if (current && current.seq >= snapshot.seq) return;
    const temp = tempName(this.dir);
    await writeDurably(temp, JSON.stringify(snapshot));
    await rename(temp, this.snapshotPath);
  }

  async withAppendLock<T>(fn: () => Promise<T>): Promise<T> {
    await this.ensure();
    const { lock } = await import('proper-lockfile');
    const release = await lock(this.eventsDir, {
      lockfilePath: join(this.dir, 'ledger.lock'),
      realpath: false,
      stale: Math.max(2_000, this.options.staleLockMs ?? 5_000),
      retries: { retries: 400, factor: 1.2, minTimeout: 10, maxTimeout: 150, randomize: true },
      onCompromised: () => {
        // Another process judged our lock stale; createBatch's link still refuses a second writer.
      },
    });
    try {
      return await fn();
    } finally {
      await release().catch(() => undefined);
    }
  }
}

/** The file-backed ledger; `dir` defaults to `.modelship` under the working directory. */
export class FileLedger extends StoreLedger {
  readonly dir: string;

  constructor(dir = '.modelship', options: FileLedgerOptions = {}) {
    const absolute = resolve(dir);
    super('file', new FileBatchStore(absolute, options));
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
