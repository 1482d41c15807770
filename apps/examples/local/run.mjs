#!/usr/bin/env node
// The offline demo: train → stamp → register → gate → deploy → approve → challenger → tamper →
// board and history. Every step is a real `modelship` / `modelship-local` process; the inference
// servers are real HTTP servers on 127.0.0.1, all stopped before the demo exits.
//   node apps/examples/local/run.mjs [--keep] [--report FILE]   (build first: npm run demo does)
// The HTML report of the demo's ledger is kept after the demo's directory is removed: FILE, by
// default .reports/demo-report.html in the repository.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const bin = (name) => join(repo, 'packages', 'cli', 'bin', `${name}.js`);
const tsx = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs'),
).href;
const keep = process.argv.includes('--keep');
const reportFlag = process.argv.indexOf('--report');
if (reportFlag !== -1 && !process.argv[reportFlag + 1]) {
  console.error('demo: --report needs a file name, e.g. --report /tmp/report.html');
  process.exit(2);
}
const reportPath = resolve(
  reportFlag === -1 ? join(repo, '.reports', 'demo-report.html') : process.argv[reportFlag + 1],
);
const started = Date.now();

if (!existsSync(join(repo, 'packages', 'cli', 'dist', 'main.js'))) {
  console.error('demo: packages/cli is not built; run `npm run demo` (it builds first)');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'modelship-demo-'));
mkdirSync(join(work, 'data'));
for (const file of ['housing-simplified-1.csv', 'housing-simplified-2.csv'])
  copyFileSync(join(here, 'data', file), join(work, 'data', file));
copyFileSync(join(here, 'modelship.config.yaml'), join(work, 'modelship.config.yaml'));
const env = { ...process.env, MODELSHIP_ACTOR: 'ci-bot', GITHUB_ACTIONS: '', FORCE_COLOR: '0' };
const store = join(work, '.modelship');

const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
function step(title) {
  console.log(`\n${bold(`━━ ${title}`)}`);
}

/** Runs one CLI command, shows it and its output, and insists on the expected exit code. */
function run(name, args, { expect = 0, quiet = false } = {}) {
  const shown = [name, ...args]
    .map((a) => (a.includes(work) ? a.replaceAll(work, '$DEMO') : a))
    .map((a) => (a.startsWith('file://') ? '<tsx>' : a));
  console.log(`$ ${shown.join(' ')}`);
  const result = spawnSync(process.execPath, [bin(name), ...args], { cwd: work, env, encoding: 'utf8' });
  if (!quiet && result.stdout.trim()) console.log(result.stdout.trimEnd());
  if (result.stderr.trim()) console.log(result.stderr.trimEnd().replace(/^/gm, '  │ '));
  console.log(`  → exit ${result.status}${expect === 0 ? '' : ` (expected ${expect})`}`);
  if (result.status !== expect) {
    finish(1, `demo: \`${shown.join(' ')}\` exited ${result.status}, expected ${expect}`);
  }
  return result.stdout;
}

const json = (name, args, options) => JSON.parse(run(name, [...args, '--json'], { ...options, quiet: true }));

function stopEverything() {
  spawnSync(process.execPath, [bin('modelship-local'), 'undeploy', '--all', '--root', store], {
    env,
    encoding: 'utf8',
  });
}

function finish(code, message) {
  stopEverything();
  if (message) console.error(message);
  if (!keep) rmSync(work, { recursive: true, force: true });
  else console.log(`kept the demo directory: ${work}`);
  process.exit(code);
}
process.once('SIGINT', () => finish(130, 'demo: interrupted; stopped every server it started'));

async function predict(endpoint, instance) {
  const response = await fetch(`${endpoint}/predict`, {
    method: 'POST',
    body: JSON.stringify({ instances: [instance] }),
  });
  const body = await response.json();
  if (response.status !== 200)
    finish(1, `demo: POST ${endpoint}/predict answered ${response.status}: ${JSON.stringify(body)}`);
  return body.predictions[0];
}

const train = (csv) => [
  'train',
  'housing',
  '--register',
  '--',
  process.execPath,
  '--import',
  tsx,
  join(here, 'train.ts'),
  join('data', csv),
  join('data', 'housing-simplified-2.csv'),
];
const house = { RM: 6.575, LSTAT: 4.98, PTRATIO: 15.3 };

try {
  step(
    '1. Train v1 on housing-simplified-1.csv (OLS on RM, LSTAT, PTRATIO → MEDV), stamp its manifest, register it',
  );
  run('modelship', train('housing-simplified-1.csv'));

  step(
    '2. Promote v1 to staging through the metric gate; the local provider deploys it; smoke-test POST /predict',
  );
  run('modelship', ['promote', 'housing', 'v1', '--to', 'staging']);
  const staging = json('modelship', ['status', 'housing']).stages.find((s) => s.name === 'staging').champion;
  const price = await predict(staging.endpoint, house);
  console.log(
    `POST ${staging.endpoint}/predict ${JSON.stringify(house)} → MEDV ≈ $${Math.round(price).toLocaleString('en-US')} (the data says $504,000)`,
  );

  step('3. Production needs one approval: the promotion waits (exit 4), alice approves, it deploys');
  run('modelship', ['promote', 'housing', 'v1', '--to', 'production'], { expect: 4 });
  run('modelship', ['status', 'housing']);
  run('modelship', [
    'approve',
    'housing',
    'v1',
    '--stage',
    'production',
    '--by',
    'alice',
    '--reason',
    'held-out R² 0.65, reviewed',
  ]);

  step(
    '4. More data arrived: train v2 on housing-simplified-2.csv, score it and the champion on the same held-out rows',
  );
  run('modelship', train('housing-simplified-2.csv'));
  const board = json('modelship', ['status', 'housing']);
  const dirOf = (id) => board.versions.find((v) => v.id === id).refs.artifactDir;
  const evaluation = join(work, 'evaluation.json');
  const scored = spawnSync(
    process.execPath,
    [
      '--import',
      tsx,
      join(here, 'evaluate.ts'),
      join(dirOf('v2'), 'model.json'),
      join(dirOf('v1'), 'model.json'),
      join(work, 'data', 'housing-simplified-2.csv'),
      evaluation,
    ],
    { encoding: 'utf8' },
  );
  if (scored.status !== 0) finish(1, `demo: evaluation failed:\n${scored.stderr}`);
  console.log(scored.stdout.trimEnd());
  run('modelship', ['promote', 'housing', 'v2', '--to', 'staging', '--evaluation', evaluation]);
  run('modelship', ['promote', 'housing', 'v2', '--to', 'production', '--evaluation', evaluation], {
    expect: 4,
  });
  run('modelship', ['approve', 'housing', 'v2', '--stage', 'production', '--by', 'bob']);
  const production = json('modelship', ['status', 'housing']).stages.find(
    (s) => s.name === 'production',
  ).champion;
  console.log(
    `production now serves ${production.version}: MEDV ≈ $${Math.round(await predict(production.endpoint, house)).toLocaleString('en-US')}`,
  );

  step('5. Tamper with a copy of the deployed model file: the inference server refuses to load it');
  const tampered = join(work, 'tampered-model');
  cpSync(production.refs.artifactDir, tampered, { recursive: true });
  const modelFile = join(tampered, 'model.json');
  const model = JSON.parse(readFileSync(modelFile, 'utf8'));
  model.intercept += 50_000; // a quiet +$50k on every prediction
  writeFileSync(modelFile, `${JSON.stringify(model, null, 2)}\n`);
  run(
    'modelship-local',
    [
      'deploy',
      '--root',
      store,
      '--model',
      'housing',
      '--version',
      production.version,
      '--stage',
      'tamper-check',
      '--ref',
      `artifactDir=${tampered}`,
    ],
    { expect: 1 },
  );

  step('6. The stage board and the history (table and mermaid)');
  run('modelship', ['status', 'housing']);
  run('modelship', ['history', 'housing']);
  run('modelship', ['history', 'housing', '--format', 'mermaid']);
  run('modelship', ['ledger', 'verify']);

  step('7. Time travel and the report: the board before v2, the production champions, one HTML file');
  const v2Deploy = json('modelship', ['history', 'housing']).events.find(
    (e) => e.type === 'deploy.succeeded' && e.version === 'v2' && e.stage === 'production',
  );
  run('modelship', ['status', 'housing', '--at', `#${v2Deploy.seq - 1}`]);
  run('modelship', ['history', 'housing', '--stage', 'production']);
  run('modelship', ['report', '--out', reportPath]);
  console.log(`report: ${reportPath} (open it in a browser; it needs no network)`);
} catch (error) {
  finish(1, `demo: ${error?.stack ?? error}`);
}

step('Stopping every inference server the demo started');
const running = JSON.parse(
  spawnSync(process.execPath, [bin('modelship-local'), 'deployments', '--root', store, '--json'], {
    env,
    encoding: 'utf8',
  }).stdout,
).deployments;
run('modelship-local', ['undeploy', '--all', '--root', store]);
const alive = running.filter((d) => {
  try {
    process.kill(d.pid, 0);
    return true;
  } catch {
    return false;
  }
});
if (alive.length) finish(1, `demo: servers still running: ${alive.map((d) => d.pid).join(', ')}`);
console.log(
  `\ndemo finished in ${((Date.now() - started) / 1000).toFixed(1)} s; ${running.length} server(s) stopped, nothing left running.`,
);
finish(0);
