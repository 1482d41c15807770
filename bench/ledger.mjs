#!/usr/bin/env node
// Ledger read cost: `status` (snapshot + events after it) against a full replay of the history
// (the baseline), measured in one run on FileLedgers of growing length; then replaying events that
// carry idempotency keys in memory, in place (createReplayer) against folding `reduce`
// (BENCH_REPLAY_SIZES, default 2000,6000); then how many times a promote and an approve that
// deploy read the ledger (a counting BatchStore), the board they return included; then time travel
// on a long ledger (BENCH_LONG_EVENTS, default 100,000 events): `modelship status --at`,
// `history --stage` and `report` as whole processes against bare `node -e 0`. Needs `npm run build`.
// Data lives in a temporary directory that is removed at the end.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  chainEvents,
  createPromoter,
  createReplayer,
  emptyState,
  openFileLedger,
  reduce,
  replay,
  StoreLedger,
} from '@modelship/core';

const sizes = (process.env.BENCH_LEDGER_SIZES ?? '200,1000').split(',').map(Number);
const repeats = Number(process.env.BENCH_REPEATS ?? 15);
const dir = mkdtempSync(join(tmpdir(), 'modelship-bench-ledger-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
async function time(fn, times = repeats) {
  const samples = [];
  for (let i = 0; i < times; i += 1) {
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

/**
 * Events as the promoter writes them (an idempotency key per operation, so the state's key map
 * grows with the ledger): two versions taking turns as staging champion, 4 events per turn.
 */
function keyedEvents(total) {
  const at = new Date('2026-01-01T00:00:00Z').toISOString();
  const inputs = [
    ['v1', 1],
    ['v2', 2],
  ].map(([id, number]) => ({
    type: 'version.registered',
    model: 'm',
    version: id,
    by: 'bench',
    at,
    data: { record: { model: 'm', id, number, registeredAt: at, metrics: {}, refs: {} } },
  }));
  for (let turn = 0; inputs.length < total; turn += 1) {
    const base = { model: 'm', version: turn % 2 ? 'v2' : 'v1', stage: 'staging', by: 'bench', at };
    const key = { ...base, idempotencyKey: `promote-${turn}` };
    inputs.push(
      { ...key, type: 'promotion.requested', data: {} },
      { ...key, type: 'gates.evaluated', data: { passed: true, gates: [] } },
      { ...key, type: 'deploy.started', data: {} },
      { ...key, type: 'deploy.succeeded', data: {} },
    );
  }
  return chainEvents(inputs, { seq: 0, hash: null });
}
const replayRows = [];
for (const size of (process.env.BENCH_REPLAY_SIZES ?? '2000,6000').split(',').map(Number)) {
  const events = keyedEvents(size);
  const folded = await time(() => events.reduce((state, event) => reduce(state, event), emptyState), 3);
  const inPlace = await time(() => {
    const replayer = createReplayer(emptyState);
    for (const event of events) replayer.apply(event);
  });
  replayRows.push({
    events: events.length,
    'reduce, event by event (ms)': folded.toFixed(1),
    'createReplayer (ms)': inPlace.toFixed(1),
    speedup: `${(folded / inPlace).toFixed(0)}x`,
  });
}
console.log(
  '\nReplaying keyed events in memory (baseline: folding `reduce`, which copies every map an event touches)',
);
console.table(replayRows);

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

/**
 * A long ledger written batch by batch (as appends would, without the promoter's per-call cost):
 * two versions take turns as the staging champion (one batch of 4 events per promotion), and
 * every 25th turn also goes to production through one approval (2 batches, 5 events).
 */
function writeLongLedger(ledgerDir, total) {
  mkdirSync(join(ledgerDir, 'ledger'), { recursive: true });
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  let head = { seq: 0, hash: null };
  const write = (inputs) => {
    const at = (i) => new Date(t0 + (head.seq + 1 + i) * 60_000).toISOString();
    const events = chainEvents(
      inputs.map((input, i) => ({ ...input, at: at(i) })),
      head,
    );
    const name = `${String(head.seq + 1).padStart(12, '0')}.jsonl`;
    writeFileSync(join(ledgerDir, 'ledger', name), `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
    head = { seq: events.at(-1).seq, hash: events.at(-1).hash };
  };
  const gate = (threshold) => ({
    name: 'metric accuracy',
    kind: 'metric',
    verdict: 'pass',
    inputs: { metric: 'accuracy', actual: 0.9, op: '>=', threshold },
    message: `accuracy = 0.9 meets >= ${threshold}`,
  });
  for (const [id, number, accuracy] of [
    ['v1', 1, 0.9],
    ['v2', 2, 0.91],
  ]) {
    const record = {
      model: 'm',
      id,
      number,
      registeredAt: new Date(t0).toISOString(),
      metrics: { accuracy },
      refs: {},
    };
    write([{ type: 'version.registered', model: 'm', version: id, by: 'bench', data: { record } }]);
  }
  for (let turn = 0; head.seq < total; turn += 1) {
    const version = turn % 2 ? 'v2' : 'v1';
    const base = (stage) => ({ model: 'm', version, stage, by: 'bench' });
    const deploy = (stage) => [
      { ...base(stage), type: 'deploy.started', data: {} },
      { ...base(stage), type: 'deploy.succeeded', data: { endpoint: `http://127.0.0.1/${stage}` } },
    ];
    write([
      { ...base('staging'), type: 'promotion.requested', data: {} },
      { ...base('staging'), type: 'gates.evaluated', data: { passed: true, gates: [gate(0.8)] } },
      ...deploy('staging'),
    ]);
    if (turn % 25 !== 24) continue;
    write([
      { ...base('production'), type: 'promotion.requested', data: {} },
      {
        ...base('production'),
        type: 'gates.evaluated',
        data: { passed: true, gates: [gate(0.85)], approvalsRequired: 1 },
      },
    ]);
    write([
      { ...base('production'), type: 'approval.granted', by: 'alice', data: { reason: 'bench' } },
      ...deploy('production'),
    ]);
  }
  return head.seq;
}

const longEvents = Number(process.env.BENCH_LONG_EVENTS ?? 100_000);
const processRepeats = Number(process.env.BENCH_PROCESS_REPEATS ?? 5);
const longDir = join(dir, 'long');
const written = writeLongLedger(longDir, longEvents);
const modelship = fileURLToPath(new URL('../packages/cli/bin/modelship.js', import.meta.url));
/**
 * CPU time of the children waited for so far (Linux: cutime + cstime of /proc/self/stat, in
 * ticks of 10 ms): on a machine shared with other work, wall time measures the others too.
 */
function childCpuMs() {
  if (process.platform !== 'linux') return Number.NaN;
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}
const spawnMs = (args) => {
  const [start, cpu] = [performance.now(), childCpuMs()];
  execFileSync(process.execPath, args, { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  return { wall: performance.now() - start, cpu: childCpuMs() - cpu };
};
const medianOf = (args) => {
  const runs = Array.from({ length: processRepeats }, () => spawnMs(args));
  return { wall: median(runs.map((r) => r.wall)), cpu: median(runs.map((r) => r.cpu)) };
};
const cli = (...args) => [modelship, ...args, '--ledger', longDir];
const middle = new Date(Date.parse('2026-01-01T00:00:00Z') + (written / 2) * 60_000 + 30_000).toISOString();
const bare = medianOf(['-e', '0']);
const longRows = [];
/** `goal`: `{ overNode: ms }` (more than bare node) or `{ total: ms }` (wall time). */
function row(label, { wall, cpu }, goal) {
  const within = (ms, base) => (goal.overNode !== undefined ? ms - base < goal.overNode : ms < goal.total);
  longRows.push({
    command: label,
    'wall ms': wall.toFixed(0),
    'wall over node': (wall - bare.wall).toFixed(0),
    'cpu ms': cpu.toFixed(0),
    'cpu over node': (cpu - bare.cpu).toFixed(0),
    ...(goal
      ? {
          goal: goal.overNode !== undefined ? `< ${goal.overNode} over node` : `< ${goal.total} in all`,
          'met (wall)': within(wall, bare.wall) ? 'yes' : 'NO',
          'met (cpu)': within(cpu, bare.cpu) ? 'yes' : 'NO',
        }
      : {}),
  });
}
row('node -e 0', bare);
// The first query walks the ledger once and fills history-cache/ beside it; the rest read it.
row(
  `status --at #${written >> 1} (first: builds the cache)`,
  spawnMs(cli('status', 'm', '--at', `#${written >> 1}`)),
);
row(`status --at #${(written >> 1) + 7}`, medianOf(cli('status', 'm', '--at', `#${(written >> 1) + 7}`)), {
  overNode: 300,
});
row(`status --at ${middle}`, medianOf(cli('status', 'm', '--at', middle)), { overNode: 300 });
const nearHead = `#${written - 3}`;
row(
  `status --at ${nearHead} (first: extends the cache to the head)`,
  spawnMs(cli('status', 'm', '--at', nearHead)),
);
row(`status --at ${nearHead}`, medianOf(cli('status', 'm', '--at', nearHead)), { overNode: 300 });
row(
  'history --stage production (first: builds the log)',
  spawnMs(cli('history', 'm', '--stage', 'production')),
);
row('history --stage production', medianOf(cli('history', 'm', '--stage', 'production')), { overNode: 300 });
const report = join(dir, 'report.html');
row('report (history cached; chain checked in full)', spawnMs(cli('report', '--out', report)), {
  total: 5000,
});
console.log(
  `\nTime travel on a ${written}-event ledger (${processRepeats} runs each, median; whole processes; load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores)`,
);
console.table(longRows);
