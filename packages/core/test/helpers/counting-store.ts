import { type BatchStore, type Snapshot, StoreLedger } from '../../src/index.js';

/** An in-memory BatchStore that counts what the ledger reads: one `load()` is one snapshot read. */
export class CountingStore implements BatchStore {
  private readonly batches = new Map<number, string>();
  private snapshot: Snapshot | null = null;
  counts = { loads: 0, batchReads: 0, batchWrites: 0 };

  reset(): void {
    this.counts = { loads: 0, batchReads: 0, batchWrites: 0 };
  }
  async readBatch(firstSeq: number) {
    this.counts.batchReads += 1;
    return this.batches.get(firstSeq) ?? null;
  }
  async createBatch(firstSeq: number, text: string) {
    this.counts.batchWrites += 1;
    if (this.batches.has(firstSeq)) return false;
    this.batches.set(firstSeq, text);
    return true;
  }
  async listBatches() {
    return [...this.batches.keys()];
  }
  async readSnapshot() {
    this.counts.loads += 1;
    return this.snapshot ? (JSON.parse(JSON.stringify(this.snapshot)) as Snapshot) : null;
  }
  async writeSnapshot(snapshot: Snapshot) {
    this.snapshot = JSON.parse(JSON.stringify(snapshot));
  }
  async withAppendLock<T>(fn: () => Promise<T>) {
    return fn();
  }
}

export function countingLedger(): { store: CountingStore; ledger: StoreLedger } {
  const store = new CountingStore();
  return { store, ledger: new StoreLedger('memory', store) };
}
