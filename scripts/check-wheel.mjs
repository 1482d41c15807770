#!/usr/bin/env node
// Builds the Python twin's wheel, installs it into a fresh virtual environment and runs the shared
// vectors and the README's one-line check against the installed package. The pack-and-install test
// (scripts/install-test) calls `installWheel` and `runWheelTests`; run alone, this file does both.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peerGroups, venvBin } from './peers.mjs';

const repoRoot = resolve(fileURLToPath(import.meta.url), '..', '..');

/** Runs a command to its end without blocking the event loop (other installs run meanwhile). */
function run(command, args, options = {}) {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.on('error', fail);
    child.on('exit', (code) => done(code ?? 1));
  });
}

/**
 * Builds the wheel into `work` and installs it (with its `signatures` extra and pytest) into a new
 * virtual environment `work/venv`; returns that environment's python.
 */
export async function installWheel(work, { stdio = 'inherit' } = {}) {
  // setuptools builds in the source tree; a stale build/ could carry deleted modules into the wheel.
  const inTreeBuild = join(repoRoot, 'python', 'build');
  rmSync(inTreeBuild, { recursive: true, force: true });
  const step = async (what, command, args) => {
    const status = await run(command, args, { stdio });
    if (status !== 0)
      throw new Error(`wheel: ${what} failed (exit ${status}); rerun scripts/check-wheel.mjs`);
  };
  try {
    const pin = (name) => peerGroups.main.find((requirement) => requirement.startsWith(`${name}==`));
    const quiet = ['--quiet', '--disable-pip-version-check'];
    const python = venvBin('python');
    await step('pip wheel', python, [
      '-m',
      'pip',
      'wheel',
      ...quiet,
      '--no-deps',
      '-w',
      work,
      join(repoRoot, 'python'),
    ]);
    const wheel = readdirSync(work).find((file) => file.endsWith('.whl'));
    await step('venv', process.env.MODELSHIP_PEERS_PYTHON ?? 'python3', ['-m', 'venv', join(work, 'venv')]);
    const venvPython = join(work, 'venv', 'bin', 'python');
    const install = [`${join(work, wheel)}[signatures]`, pin('cryptography'), pin('pytest')];
    await step('pip install', venvPython, ['-m', 'pip', 'install', ...quiet, ...install]);
    return venvPython;
  } finally {
    rmSync(inTreeBuild, { recursive: true, force: true });
  }
}

/** The shared vectors and python/tests/test_installed.py against the installed wheel; the exit status. */
export async function runWheelTests(venvPython, { reports = join(repoRoot, '.reports'), cwd, stdio } = {}) {
  const tests = ['test_vectors.py', 'test_installed.py'].map((file) =>
    join(repoRoot, 'python', 'tests', file),
  );
  const junit = `--junitxml=${resolve(reports, 'pytest-wheel.xml')}`;
  const status = await run(venvPython, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', junit, ...tests], {
    cwd: cwd ?? tmpdir(),
    stdio: stdio ?? 'inherit',
    env: { ...process.env, PYTHONPATH: '', MODELSHIP_MANIFEST_INSTALLED: '1' },
  });
  return status === 5 ? 0 : status;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync('.reports', { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'modelship-wheel-'));
  try {
    process.exitCode = await runWheelTests(await installWheel(work), { cwd: work });
  } catch (error) {
    console.error(error.message);
    process.exitCode = 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
