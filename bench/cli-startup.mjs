#!/usr/bin/env node
// How long `modelship --help` takes from spawn to exit, against `node -e 0` measured in the same
// run (runs alternate, so machine noise hits both). Build first: `npm run bench:cli-startup`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const runs = Number(process.env.BENCH_RUNS ?? 30);
const bin = (name) => fileURLToPath(new URL(`../packages/cli/bin/${name}.js`, import.meta.url));
if (!existsSync(fileURLToPath(new URL('../packages/cli/dist/main.js', import.meta.url)))) {
  console.error(
    'cli-startup: packages/cli/dist is missing; run `npx turbo run build --filter=@modelship/cli...` first',
  );
  process.exit(2);
}

const cases = [
  { name: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { name: 'modelship --help', args: [bin('modelship'), '--help'] },
  { name: 'modelship status --help', args: [bin('modelship'), 'status', '--help'] },
  { name: 'modelship-local --help', args: [bin('modelship-local'), '--help'] },
];

function time(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

for (const c of cases) time(c.args); // warm the file cache
const samples = cases.map(() => []);
for (let run = 0; run < runs; run += 1)
  for (const [index, c] of cases.entries()) samples[index].push(time(c.args));

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const baseline = median(samples[0]);
const rows = cases.map((c, index) => {
  const m = median(samples[index]);
  return {
    case: c.name,
    'median ms': m.toFixed(1),
    'p90 ms': [...samples[index]].sort((a, b) => a - b)[Math.floor(runs * 0.9)].toFixed(1),
    'over node ms': (m - baseline).toFixed(1),
    ratio: (m / baseline).toFixed(2),
  };
});
console.log(
  `CLI start-up, wall time from spawn to exit, ${runs} alternating runs each (node ${process.version})`,
);
console.table(rows);
const help = median(samples[1]);
const verdict = help <= 150 ? 'meets' : 'misses';
console.log(
  `modelship --help: ${help.toFixed(0)} ms wall, ${verdict} the 150 ms goal; ${(help - baseline).toFixed(0)} ms over bare node (${baseline.toFixed(0)} ms in this run)`,
);
