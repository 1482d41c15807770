#!/usr/bin/env node
// publint and @arethetypeswrong/cli for every publishable package (run after the build).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let failures = 0;
for (const dir of readdirSync('packages')) {
  const root = join('packages', dir);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  if (pkg.private) continue;
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
process.exit(failures ? 1 : 0);
