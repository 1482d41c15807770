#!/usr/bin/env node
// The unit projects under the other supported Node versions (.peers/node22, .peers/node24, from
// npm's `node` package; scripts/peers.mjs installs them), one after the other: `npm test` runs this
// beside the main vitest run, which covers the Node running it (the floor, 20.19). Each run writes
// .reports/vitest-node<major>.json.
//   node scripts/test-node-versions.mjs [node22 …]
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBin, nodePeers } from './peers.mjs';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

// The packages every install has (the CLI, its core, the manifest and the embedded provider): the
// cloud providers' suites need their platforms' peers and add little that depends on the Node version.
export const projects = ['core', 'manifest', 'cli', 'provider-local'];

function runUnder(name) {
  const bin = nodeBin(name);
  const args = [
    join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'),
    'run',
    '--config',
    join(repoRoot, 'scripts', 'vitest', 'other-node.config.ts'),
    ...projects.flatMap((project) => ['--project', project]),
  ];
  // Tests that spawn `node` (the CLI, inference servers) get the same Node through PATH.
  const env = { ...process.env, PATH: `${dirname(bin)}:${process.env.PATH}` };
  console.log(`test-node-versions: ${nodePeers[name]}: vitest ${projects.join(', ')}`);
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd: repoRoot, env, stdio: 'inherit' });
    child.on('error', (error) => {
      console.error(`test-node-versions: ${bin} could not start (${error.message}); run \`npm run peers\``);
      resolve(1);
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(nodePeers);
  let failed = false;
  for (const name of names) if ((await runUnder(name)) !== 0) failed = true;
  process.exit(failed ? 1 : 0);
}
