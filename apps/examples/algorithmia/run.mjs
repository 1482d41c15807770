#!/usr/bin/env node
// "Deploy to Algorithmia", done right, end to end against the Algorithmia API emulator and a local
// bare git repository: train (notebook) → reference test cases → upload → staging (push, wait for
// the build, test cases) → production (publish, label = version) → call → tag → status → a
// tampered model refused at load → a failing notebook stops everything. Every step is a real
// `modelship-algorithmia` process.   node apps/examples/algorithmia/run.mjs [--keep]
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const keep = process.argv.includes('--keep');
const bin = join(repo, 'packages', 'cli', 'bin', 'modelship-algorithmia.js');
const python = join(repo, '.peers', 'main', 'bin', 'python');
const jupyter = join(repo, '.peers', 'main', 'bin', 'jupyter');
const emulatorDist = join(repo, 'packages', 'testing', 'algorithmia-emulator', 'dist');

for (const [path, fix] of [
  [join(repo, 'packages', 'cli', 'dist', 'wrapper.js'), 'npm run build'],
  [join(emulatorDist, 'index.js'), 'npm run build'],
  [jupyter, 'node scripts/peers.mjs'],
]) {
  if (!existsSync(path)) {
    console.error(`example: ${path} is missing; run \`${fix}\` first`);
    process.exit(2);
  }
}

const { startAlgorithmiaEmulator } = await import(pathToFileURL(join(emulatorDist, 'index.js')).href);
const algorithmia = createRequire(join(repo, 'packages', 'provider-algorithmia', 'package.json'))(
  'algorithmia',
);

const API_KEY = 'simExampleKey0123456789';
const USER = 'demo';
const ALGO = 'housing_price';
const work = mkdtempSync(join(tmpdir(), 'modelship-algorithmia-'));
const ml = join(work, 'ml-repo');
const bare = join(work, `${ALGO}.git`);
const algorithmiaLib = join(repo, '.peers', 'algorithmia', 'lib');
const sitePackages = join(
  algorithmiaLib,
  readdirSync(algorithmiaLib).find((n) => n.startsWith('python')),
  'site-packages',
);

const emulator = await startAlgorithmiaEmulator({
  apiKeys: { [API_KEY]: USER },
  runtime: { python, pythonPath: [join(repo, 'python'), sitePackages], buildDelayMs: 200 },
});
await emulator.createAlgorithm(USER, ALGO, bare);

const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const step = (title) => console.log(`\n${bold(`━━ ${title}`)}`);

async function finish(code, message) {
  await emulator.close();
  if (message) console.error(message);
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  process.exit(code);
}
process.once('SIGINT', () => void finish(130, 'example: interrupted'));

const env = {
  ...process.env,
  ALGORITHMIA_API_KEY: API_KEY,
  GITHUB_ACTIONS: '',
  GITHUB_SHA: '',
  FORCE_COLOR: '0',
};
const common = [
  '--api-address',
  emulator.url,
  '--username',
  USER,
  '--algo-name',
  ALGO,
  '--algo-repo',
  `file://${bare}`,
  '--algorithm-dir',
  join(ml, ALGO),
  '--workspace',
  ml,
  '--build-timeout-ms',
  '120000',
];

/** Runs `modelship-algorithmia …` asynchronously (the emulator lives in this process). */
async function cli(args, { expect = 0 } = {}) {
  const shown = ['modelship-algorithmia', ...args].map((a) => a.replaceAll(work, '$WORK')).join(' ');
  console.log(`$ ${shown}`);
  const result = await exec(process.execPath, [bin, ...args, ...common, '--json'], {
    cwd: ml,
    env,
    maxBuffer: 1 << 24,
  }).then(
    (r) => ({ ...r, code: 0 }),
    (e) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code }),
  );
  if (result.stderr.trim()) console.log(result.stderr.trimEnd().replace(/^/gm, '  │ '));
  if (result.stdout.includes(API_KEY) || result.stderr.includes(API_KEY))
    await finish(1, 'example: the API key leaked');
  if (result.code !== expect)
    await finish(1, `example: \`${shown}\` exited ${result.code}, expected ${expect}\n${result.stdout}`);
  const parsed = JSON.parse(result.stdout);
  console.log(`  → exit ${result.code}`);
  return parsed;
}

const git = (...args) => exec('git', ['-C', ml, ...args]);
const house = { RM: 6.575, LSTAT: 4.98, PTRATIO: 15.3 };

function callAlgorithm(version, input) {
  return new Promise((done) =>
    algorithmia(API_KEY, emulator.url).algo(`${USER}/${ALGO}/${version}`).pipe(input).then(done),
  );
}

try {
  step("0. The ML repository (laid out like Algorithmia's template) is a real git checkout");
  cpSync(here, ml, { recursive: true, filter: (p) => !p.endsWith('run.mjs') });
  await git('init', '--quiet', '--initial-branch=master');
  await git('remote', 'add', 'origin', 'https://github.com/acme/housing-model.git');
  await git('add', '.');
  await git(
    '-c',
    'user.name=Data Scientist',
    '-c',
    'user.email=ds@example.com',
    'commit',
    '--quiet',
    '-m',
    'Train on the full housing data',
  );
  const originSha = (await git('rev-parse', 'HEAD')).stdout.trim();
  console.log(`origin commit ${originSha}; algorithm repository ${bare} (empty, branch master)`);

  step('1. train: execute model_training.ipynb with nbconvert');
  const trained = await cli([
    'train',
    '--model',
    'housing',
    '--notebook',
    'model_training.ipynb',
    '--model-path',
    'model.pkl',
    '--jupyter',
    jupyter,
  ]);
  console.log(
    `  run ${trained.runId}: r2 ${trained.metrics.r2?.toFixed(3)}, rmse ${Math.round(trained.metrics.rmse)}`,
  );

  step('2. Reference predictions the deployed algorithm must reproduce');
  console.log(
    (
      await exec(python, ['make_test_cases.py', 'model.pkl', originSha, 'test_cases.json'], { cwd: ml })
    ).stdout.trim(),
  );

  step('3. upload: collection ensured, model stored as model_<sha>.pkl (a retry transfers nothing)');
  const uploaded = await cli(['upload', 'model.pkl', '--model', 'housing', '--version', 'v1']);
  const again = await cli(['upload', 'model.pkl', '--model', 'housing', '--version', 'v1']);
  console.log(`  ${uploaded.uri} (md5 ${uploaded.refs.md5}); retry skipped=${again.skipped}`);
  if (!again.skipped) await finish(1, 'example: the retried upload transferred the model again');
  const refs = ['--ref', `dataPath=${uploaded.refs.dataPath}`];

  step("4. staging: push code + model_manifest.json, wait for that commit's build, run the test cases");
  const staged = await cli([
    'deploy',
    '--model',
    'housing',
    '--version',
    'v1',
    '--stage',
    'staging',
    '--test-cases',
    'test_cases.json',
    ...refs,
  ]);
  console.log(
    `  build ${staged.refs.buildId} of ${staged.refs.algoCommit}: ${staged.refs.testCases} test cases passed; ${staged.endpoint}`,
  );
  const message = (
    await exec('git', ['--git-dir', bare, 'log', '-1', '--format=%s', 'master'])
  ).stdout.trim();
  console.log(`  algorithm repo commit: "${message}"`);

  step('5. production: publish a version (details.label = the modelship version id)');
  const published = await cli([
    'deploy',
    '--model',
    'housing',
    '--version',
    'v1',
    '--stage',
    'production',
    '--test-cases',
    'test_cases.json',
    ...refs,
  ]);
  const answer = await callAlgorithm(published.refs.semanticVersion, house);
  if (answer.error) await finish(1, `example: the published algorithm failed: ${answer.error.message}`);
  console.log(
    `  ${published.endpoint} ${JSON.stringify(house)} → MEDV ≈ $${Math.round(answer.result.predictions[0]).toLocaleString('en-US')}`,
  );

  step('6. tag and status');
  await cli([
    'tag',
    '--model',
    'housing',
    '--version',
    'v1',
    '--stage',
    'production',
    '--tag',
    'champion',
    ...refs,
  ]);
  console.log(`  algorithm label: "${emulator.algorithm(USER, ALGO).details.label}"`);
  const status = await cli([
    'status',
    '--model',
    'housing',
    '--stage',
    'production',
    '--ref',
    `semanticVersion=${published.refs.semanticVersion}`,
  ]);
  console.log(`  status ${status.status.unified}`);

  step('7. Someone overwrites the model in the collection: the algorithm refuses to load it');
  await new Promise((done) =>
    algorithmia(API_KEY, emulator.url).file(uploaded.uri).put(Buffer.from('not the trained model'), done),
  );
  const refused = await callAlgorithm(published.refs.semanticVersion, house);
  if (!/ModelIntegrityError|md5/.test(JSON.stringify(refused.error ?? {}))) {
    await finish(
      1,
      `example: a tampered model was served: ${JSON.stringify(refused.result ?? refused.error)}`,
    );
  }
  console.log(`  refused: ${refused.error.message.split('\n').slice(0, 2).join(' ').slice(0, 240)}`);

  step('8. A failing notebook stops the pipeline: no upload, no push (the original action pushed anyway)');
  const commitsBefore = (
    await exec('git', ['--git-dir', bare, 'rev-list', '--count', 'master'])
  ).stdout.trim();
  writeFileSync(join(ml, 'data', 'housing.csv'), 'RM,LSTAT,PTRATIO,MEDV\n');
  const failed = await cli(
    [
      'train',
      '--model',
      'housing',
      '--notebook',
      'model_training.ipynb',
      '--model-path',
      'model.pkl',
      '--jupyter',
      jupyter,
    ],
    { expect: 1 },
  );
  console.log(`  ${failed.error.message.split('\n').filter(Boolean).slice(-2).join(' | ')}`);
  const commitsAfter = (
    await exec('git', ['--git-dir', bare, 'rev-list', '--count', 'master'])
  ).stdout.trim();
  if (commitsBefore !== commitsAfter)
    await finish(1, 'example: something was pushed after a failed notebook');

  await finish(0, undefined);
} catch (error) {
  await finish(1, `example: ${error?.stack ?? error}`);
}
