#!/usr/bin/env node
// Builds the Python twin's wheel, installs it into a fresh virtual environment and runs the shared
// vectors and the README's one-line check against the installed package (`npm test` calls it).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peerGroups, venvBin } from './peers.mjs';

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

export function checkWheel(reports = '.reports') {
  const work = mkdtempSync(join(tmpdir(), 'modelship-wheel-'));
  // setuptools builds in the source tree; a stale build/ could carry deleted modules into the wheel.
  const inTreeBuild = resolve('python', 'build');
  rmSync(inTreeBuild, { recursive: true, force: true });
  try {
    const pin = (name) => peerGroups.main.find((requirement) => requirement.startsWith(`${name}==`));
    const quiet = ['--quiet', '--disable-pip-version-check'];
    if (
      run(venvBin('python'), ['-m', 'pip', 'wheel', ...quiet, '--no-deps', '-w', work, resolve('python')]) !==
      0
    )
      return 1;
    const wheel = readdirSync(work).find((file) => file.endsWith('.whl'));
    const python = process.env.MODELSHIP_PEERS_PYTHON ?? 'python3';
    if (run(python, ['-m', 'venv', join(work, 'venv')]) !== 0) return 1;
    const venvPython = join(work, 'venv', 'bin', 'python');
    const install = [`${join(work, wheel)}[signatures]`, pin('cryptography'), pin('pytest')];
    if (run(venvPython, ['-m', 'pip', 'install', ...quiet, ...install]) !== 0) return 1;
    const tests = ['test_vectors.py', 'test_installed.py'].map((file) => resolve('python', 'tests', file));
    const status = run(
      venvPython,
      [
        '-m',
        'pytest',
        '-q',
        '-p',
        'no:cacheprovider',
        `--junitxml=${resolve(reports, 'pytest-wheel.xml')}`,
        ...tests,
      ],
      { cwd: work, env: { ...process.env, PYTHONPATH: '', MODELSHIP_MANIFEST_INSTALLED: '1' } },
    );
    return status === 5 ? 0 : status;
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(inTreeBuild, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync('.reports', { recursive: true });
  process.exit(checkWheel());
}
