#!/usr/bin/env node
// For every publishable workspace package (run after the build): publint, @arethetypeswrong/cli,
// and what `npm pack` would ship — no emulator or double code, no sources or tests, no bin but a
// `modelship` wrapper.
// Private packages (apps, packages/testing/*) are never published and are skipped.
//   node scripts/check-packages.mjs [--tarballs-only]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { refusedInTarball } from './packages.mjs';

const tarballsOnly = process.argv.includes('--tarballs-only');
const packageRoots = ['packages', join('packages', 'testing')].flatMap((parent) =>
  readdirSync(parent)
    .map((dir) => join(parent, dir))
    .filter((root) => existsSync(join(root, 'package.json'))),
);

function checkTarball(root, pkg) {
  const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (packed.status !== 0) return [`npm pack --dry-run failed: ${packed.stderr}`];
  const files = JSON.parse(packed.stdout)[0].files.map((f) => f.path);
  const problems = files.map(refusedInTarball).filter(Boolean);
  const bins = typeof pkg.bin === 'string' ? [pkg.name] : Object.keys(pkg.bin ?? {});
  for (const bin of bins)
    if (!/^modelship(-[a-z0-9]+)?$/.test(bin))
      problems.push(`bin "${bin}" would be installed for every user; only modelship wrappers may ship`);
  return problems;
}

let failures = 0;
for (const root of packageRoots) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  if (pkg.private) continue;
  for (const problem of checkTarball(root, pkg)) {
    console.error(`check: ${pkg.name} tarball: ${problem}`);
    failures += 1;
  }
  if (tarballsOnly) continue;
  for (const [cmd, args] of [
    ['npx', ['publint', '--strict', root]],
    ['npx', ['attw', '--pack', root, '--profile', 'esm-only', '--format', 'table-flipped']],
  ]) {
    const result = spawnSync(cmd, args, { stdio: 'inherit' });
    if (result.status !== 0) {
      console.error(`check: ${args[0]} failed for ${pkg.name}`);
      failures += 1;
    }
  }
}
if (tarballsOnly && !failures) console.log('check: no test platform in any published tarball');
process.exit(failures ? 1 : 0);
