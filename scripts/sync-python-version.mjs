#!/usr/bin/env node
// Keeps the Python twin's version in step with @modelship/manifest: run after `changeset version`
// (npm run version-packages does). npm pre-releases map onto PEP 440 (1.2.0-rc.1 → 1.2.0rc1).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const versionFile = join(repoRoot, 'python', 'modelship_manifest', '_version.py');

export function pep440(npmVersion) {
  const match = /^(\d+\.\d+\.\d+)(?:-(alpha|beta|rc|next)\.(\d+))?$/.exec(npmVersion);
  if (!match)
    throw new Error(
      `sync-python-version: cannot express npm version "${npmVersion}" in PEP 440; use X.Y.Z or X.Y.Z-(alpha|beta|rc|next).N`,
    );
  const [, release, kind, number] = match;
  if (!kind) return release;
  return `${release}${{ alpha: 'a', beta: 'b', rc: 'rc', next: 'rc' }[kind]}${number}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { version } = JSON.parse(
    readFileSync(join(repoRoot, 'packages', 'manifest', 'package.json'), 'utf8'),
  );
  const python = pep440(version);
  writeFileSync(
    versionFile,
    `# Written by scripts/sync-python-version.mjs from @modelship/manifest's package.json; do not edit.\n__version__ = "${python}"\n`,
  );
  console.log(`python/modelship_manifest/_version.py: ${python}`);
}
