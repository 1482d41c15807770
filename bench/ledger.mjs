#!/usr/bin/env node
// Ledger read cost: `status` (snapshot + events after it) against a full replay of the history
// (the baseline), measured in one run on FileLedgers of growing length. Needs `npm run build`.
// Data lives in a temporary directory that is removed at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createPromoter, emptyState, openFileLedger, replay } from '@modelship/core';

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
