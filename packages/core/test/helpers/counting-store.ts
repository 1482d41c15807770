import { StoreLedger } from '../../src/index.js';
import { MemoryBatchStore } from '../../src/ledger/memory-ledger.js';

/** An in-memory BatchStore that counts what the ledger reads: one `load()` is one snapshot read. */
export class CountingStore extends MemoryBatchStore {
  counts = { loads: 0, batchReads: 0, batchWrites: 0 };

  reset(): void {
    this.counts = { loads: 0, batchReads: 0, batchWrites: 0 };
  }
  override async readBatch(firstSeq: number) {
    this.counts.batchReads += 1;
    return super.readBatch(firstSeq);
  }
  override async createBatch(firstSeq: number, text: string) {
    this.counts.batchWrites += 1;
    return super.createBatch(firstSeq, text);
  }
  override async readSnapshot() {
    this.counts.loads += 1;
    return super.readSnapshot();
  }
}

export function countingLedger(): { store: CountingStore; ledger: StoreLedger } {
  const store = new CountingStore();
  return { store, ledger: new StoreLedger('memory', store) };
}
