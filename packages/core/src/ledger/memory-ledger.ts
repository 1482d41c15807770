import { type BatchStore, type Snapshot, StoreLedger } from './store.js';

/** Batches and the snapshot in memory; appends take turns. Exported for tests that count its calls. */
export class MemoryBatchStore implements BatchStore {
  private readonly batches = new Map<number, string>();
  private snapshot: Snapshot | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  async readBatch(firstSeq: number) {
    return this.batches.get(firstSeq) ?? null;
  }
  async createBatch(firstSeq: number, text: string) {
    if (this.batches.has(firstSeq)) return false;
    this.batches.set(firstSeq, text);
    return true;
  }
  async listBatches() {
    return [...this.batches.keys()];
  }
  async readSnapshot() {
    return this.snapshot ? (JSON.parse(JSON.stringify(this.snapshot)) as Snapshot) : null;
  }
  async writeSnapshot(snapshot: Snapshot) {
    if (!this.snapshot || this.snapshot.seq < snapshot.seq)
      this.snapshot = JSON.parse(JSON.stringify(snapshot));
  }
  withAppendLock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** A ledger that lives in memory: for tests and dry runs. */
export function createMemoryLedger(): StoreLedger {
  return new StoreLedger('memory', new MemoryBatchStore());
}
