#!/usr/bin/env node
// The registry mirror this project is built against serves only linux-x64 builds of packages with
// per-platform optional binaries (biome, esbuild, rollup, turbo). npm then writes a lockfile whose
// optionalDependencies name packages it could not resolve, and `npm ci` refuses that lockfile.
// This drops those unresolvable optional edges so `npm ci` works here. Run after `npm install`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages ?? {};

function resolvable(fromKey, name) {
  // Node resolution: look in fromKey/node_modules, then each ancestor's node_modules.
  let base = fromKey;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return true;
    if (!base) return false;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

let pruned = 0;
for (const [key, entry] of Object.entries(packages)) {
  const optional = entry.optionalDependencies;
  if (!optional) continue;
  for (const name of Object.keys(optional)) {
    if (!resolvable(key, name)) {
      delete optional[name];
      pruned += 1;
    }
  }
  if (Object.keys(optional).length === 0) delete entry.optionalDependencies;
}
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`prune-lock-optionals: removed ${pruned} unresolvable optional dependency edges from ${path}`);
