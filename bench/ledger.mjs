#!/usr/bin/env node
// Ledger read cost: `status` (snapshot + events after it) against a full replay of the history
// (the baseline), measured in one run on FileLedgers of growing length; then how many times a
// promote and an approve that deploy read the ledger (a counting BatchStore), the board they
// return included. Needs `npm run build`.
// Data lives in a temporary directory that is removed at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createPromoter, emptyState, openFileLedger, replay, StoreLedger } from '@modelship/core';

const sizes = (process.env.BENCH_LEDGER_SIZES ?? '200,1000').split(',').map(Number);
const repeats = Number(process.env.BENCH_REPEATS ?? 15);
const dir = mkdtempSync(join(tmpdir(), 'modelship-bench-ledger-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
async function time(fn) {
  const samples = [];
  for (let i = 0; i < repeats; i += 1) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const rows = [];
for (const size of sizes) {
  const ledgerDir = join(dir, `n${size}`);
  const promoter = createPromoter({
    ledger: openFileLedger(ledgerDir),
    env: { USER: 'bench' },
    captureProvenance: false,
  });
  await promoter.register({ model: 'm', metrics: { accuracy: 0.9 } });
  await promoter.register({ model: 'm', metrics: { accuracy: 0.91 } });
  // Alternate two champions: 4 events per promotion, a state of constant size.
  let events = 2;
  for (let i = 0; events < size; i += 1, events += 4)
    await promoter.promote({ model: 'm', version: i % 2 ? 'v2' : 'v1', to: 'development' });
  const reader = createPromoter({ ledger: openFileLedger(ledgerDir), env: { USER: 'bench' } });
  await reader.status('m'); // warm up (JIT, module loading) before measuring
  const status = await time(() => reader.status('m'));
  const full = await time(async () => replay(await reader.ledger.read(), emptyState));
  const verify = await time(() => reader.ledger.verify());
  rows.push({
    events,
    'status (ms)': status.toFixed(2),
    'full replay (ms)': full.toFixed(2),
    'verify (ms)': verify.toFixed(2),
    'replay / status': (full / status).toFixed(1),
  });
}
console.log(
  `FileLedger reads, median of ${repeats} (status = snapshot + tail; baseline = replay of every event)`,
);
console.table(rows);

/** An in-memory BatchStore counting reads: every ledger load starts with one snapshot read. */
function countingStore() {
  const batches = new Map();
  let snapshot = null;
  const counts = { loads: 0, batchReads: 0, batchWrites: 0 };
  const store = {
    counts,
    reset: () => Object.assign(counts, { loads: 0, batchReads: 0, batchWrites: 0 }),
    async readBatch(seq) {
      counts.batchReads += 1;
      return batches.get(seq) ?? null;
    },
    async createBatch(seq, text) {
      counts.batchWrites += 1;
      if (batches.has(seq)) return false;
      batches.set(seq, text);
      return true;
    },
    listBatches: async () => [...batches.keys()],
    async readSnapshot() {
      counts.loads += 1;
      return snapshot && structuredClone(snapshot);
    },
    writeSnapshot: async (next) => {
      snapshot = structuredClone(next);
    },
    withAppendLock: (fn) => fn(),
  };
  return store;
}

const store = countingStore();
const provider = {
  specificationVersion: 'v1',
  name: 'bench',
  capabilities: {
    upload: false,
    train: false,
    tag: true,
    deploy: true,
    status: false,
    undeploy: false,
    describe: false,
    rollback: true,
    abort: false,
  },
  promotionTags: ['champion', 'challenger', 'approved', 'rejected'],
  tagsBeforeDeploy: ['approved'],
  tag: async () => ({ refs: {}, warnings: [] }),
  deploy: async () => ({ status: { unified: 'deployed', raw: 'ok' }, refs: {}, warnings: [] }),
};
const counted = createPromoter({
  config: { stages: ['staging', 'production'], approvals: { production: { count: 1 } } },
  ledger: new StoreLedger('memory', store),
  provider,
  env: { USER: 'bench' },
  captureProvenance: false,
});
await counted.register({ model: 'm', metrics: { accuracy: 0.9 } });
const loadRows = [];
async function count(label, call) {
  store.reset();
  const result = await call();
  if (!result.board) throw new Error(`${label}: no board returned`);
  loadRows.push({
    call: label,
    outcome: result.outcome,
    'ledger loads': store.counts.loads,
    'batch reads': store.counts.batchReads,
    'batch writes': store.counts.batchWrites,
  });
}
await count('promote v1 --to staging (deploys)', () =>
  counted.promote({ model: 'm', version: 'v1', to: 'staging' }),
);
await count('promote v1 --to production (waits)', () =>
  counted.promote({ model: 'm', version: 'v1', to: 'production', by: 'ci' }),
);
await count('approve v1 production (deploys)', () =>
  counted.approve({ model: 'm', version: 'v1', stage: 'production', by: 'alice' }),
);
console.log('\nLedger reads per call, board included (a load = one snapshot read + the batches after it)');
console.table(loadRows);
