#!/usr/bin/env node
// `npm test`: installs the test peers on first use, builds every package, then runs the whole
// vitest suite and the Python suites. Reports land in .reports/ for .ci/run to count.
// The peer install (mostly network) overlaps the build; the pack-and-install test (mostly npm and
// pip) and the unit projects under Node 22 and 24 overlap the main vitest run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodePeers, venvBin } from './peers.mjs';

const reports = '.reports';
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const wholeSuite = process.argv.length <= 2;

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** Starts a step in the background; its output goes to a log printed when it is awaited. */
function start(name, command, args) {
  const log = join(reports, `${name}.log`);
  const child = spawn(command, args, { stdio: ['ignore', openSync(log, 'w'), openSync(log, 'a')] });
  const done = new Promise((resolve) => {
    child.on('error', (error) => resolve({ status: 1, error }));
    child.on('exit', (code) => resolve({ status: code ?? 1 }));
  });
  return async () => {
    const { status, error } = await done;
    process.stdout.write(readFileSync(log, 'utf8'));
    if (error) console.error(`test: ${name} could not start: ${error.message}`);
    return status;
  };
}

const peers = start('peers', process.execPath, ['scripts/peers.mjs']);
const buildStatus = run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only']);
if ((await peers()) !== 0) {
  console.error('test: installing the test peers failed (see above); `npm run peers` retries it');
  process.exit(1);
}
if (buildStatus !== 0) {
  console.error('test: the build failed; fix it before running the tests');
  process.exit(1);
}

// The packages as users get them (npm tarballs in a fresh app, the Python wheel in a fresh venv):
// mostly npm and pip waiting on disk and network, so it overlaps the main vitest run.
const expected = ['vitest.json'];
const background = [];
if (wholeSuite) {
  expected.push('vitest-install.json');
  background.push(
    start('install', 'npx', ['vitest', 'run', '--config', 'scripts/install-test/vitest.config.ts']),
  );
  // The unit projects under Node 22 and 24 (the main run covers the Node running this, 20.19+).
  expected.push(...Object.values(nodePeers).map((spec) => `vitest-node${/@(\d+)\./.exec(spec)[1]}.json`));
  background.push(start('node-versions', process.execPath, ['scripts/test-node-versions.mjs']));
}
// summarize-tests.mjs counts a report that never appeared as a failure.
writeFileSync(join(reports, 'expected.json'), JSON.stringify(expected));
const vitestStatus = run('npx', ['vitest', 'run', ...process.argv.slice(2)]);

// Every folder with Python tests: python/tests plus the test folders of providers' Python helpers.
const pytestDirs = [
  'python/tests',
  ...readdirSync('packages').map((p) => join('packages', p, 'python-tests')),
].filter((dir) => existsSync(dir));
let pytestStatus = 0;
if (pytestDirs.length > 0 && wholeSuite) {
  pytestStatus = run(
    venvBin('python'),
    ['-m', 'pytest', '-q', `--junitxml=${join(reports, 'pytest.xml')}`, ...pytestDirs],
    {
      env: { ...process.env, PYTHONPATH: 'python' },
    },
  );
  if (pytestStatus === 5) pytestStatus = 0; // no tests collected is not a failure of the suite
}
const backgroundStatuses = [];
for (const step of background) backgroundStatuses.push(await step());

process.exit(vitestStatus !== 0 || pytestStatus !== 0 || backgroundStatuses.some((s) => s !== 0) ? 1 : 0);
