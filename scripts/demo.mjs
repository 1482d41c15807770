#!/usr/bin/env node
// `npm run demo`: builds the CLI and everything it depends on, then runs the offline demo
// (apps/examples/local/run.mjs). Works on a fresh clone after `npm ci`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const build = spawnSync(
  'npx',
  ['turbo', 'run', 'build', '--filter=@modelship/cli...', '--output-logs=errors-only'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (build.status !== 0) {
  console.error('demo: the build failed; fix it (npm run build) and run `npm run demo` again');
  process.exit(build.status ?? 1);
}
const demo = spawnSync(process.execPath, ['apps/examples/local/run.mjs', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(demo.status ?? 1);
