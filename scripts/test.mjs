#!/usr/bin/env node
// `npm test`: installs the test peers on first use, builds every package, then runs the whole
// vitest suite and the Python suites. Reports land in .reports/ for .ci/run to count.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkWheel } from './check-wheel.mjs';
import { ensurePeers, venvBin } from './peers.mjs';

const reports = '.reports';
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

ensurePeers();

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

if (run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only']) !== 0) {
  console.error('test: the build failed; fix it before running the tests');
  process.exit(1);
}

const vitestStatus = run('npx', ['vitest', 'run', ...process.argv.slice(2)]);

// Every folder with Python tests: python/tests plus the test folders of providers' Python helpers.
const pytestDirs = [
  'python/tests',
  ...readdirSync('packages').map((p) => join('packages', p, 'python-tests')),
].filter((dir) => existsSync(dir));
let pytestStatus = 0;
if (pytestDirs.length > 0 && process.argv.length <= 2) {
  pytestStatus = run(
    venvBin('python'),
    ['-m', 'pytest', '-q', `--junitxml=${join(reports, 'pytest.xml')}`, ...pytestDirs],
    {
      env: { ...process.env, PYTHONPATH: 'python' },
    },
  );
  if (pytestStatus === 5) pytestStatus = 0; // no tests collected is not a failure of the suite
}

const wheelStatus = process.argv.length <= 2 ? checkWheel(reports) : 0;

process.exit(vitestStatus !== 0 || pytestStatus !== 0 || wheelStatus !== 0 ? 1 : 0);
