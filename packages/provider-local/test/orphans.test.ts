import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createProviderContext, silentLogger } from '@modelship/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalProvider } from '../src/index.js';
import { isAlive } from '../src/process.js';
import { makeWorkspace } from './fixtures.js';

// A deploy killed while its server starts must not leave a server nobody knows about.
const workspace = makeWorkspace();
const provider = createLocalProvider({ root: workspace.root });
const context = createProviderContext({ logger: silentLogger });
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await provider.undeployAll(context);
  workspace.cleanup();
});

const serversDir = join(workspace.root, 'servers');
const recordedPids = () =>
  existsSync(serversDir)
    ? readdirSync(serversDir)
        .filter((name) => name.endsWith('.json'))
        .flatMap((name) => {
          const pid = (JSON.parse(readFileSync(join(serversDir, name), 'utf8')) as { pid?: number }).pid;
          return pid ? [pid] : [];
        })
    : [];

describe('no orphan servers', () => {
  it('undeploy --all stops a server whose deploy was SIGKILLed before its deployment record was written', async () => {
    const dir = join(workspace.root, '..', 'model-orphan');
    cpSync(workspace.modelDir, dir, { recursive: true });
    writeFileSync(
      join(dir, 'model.json'),
      JSON.stringify({ kind: 'linear-regression', features: ['x'], intercept: 0, coefficients: [1] }),
    );
    const uploaded = await provider.upload({ model: { name: 'orphan', version: 'v1' }, path: dir }, context);
    const script = `import { createLocalProvider } from ${JSON.stringify(dist)};
import { createProviderContext, silentLogger } from '@modelship/core';
const provider = createLocalProvider({ root: ${JSON.stringify(workspace.root)} });
await provider.deploy({ model: { name: 'orphan', version: 'v1' }, stage: 'staging', refs: ${JSON.stringify(uploaded.refs)} }, createProviderContext({ logger: silentLogger }));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: 'ignore',
    });
    children.push(child);
    // Kill the deploying process as soon as its server exists, before the deploy finishes.
    while (recordedPids().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const [pid] = recordedPids();
    expect(pid).toBeGreaterThan(0);
    // Give the detached server time to come up (or not): either way it must be found and stopped.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await provider.undeployAll(context);
    expect(isAlive(pid!)).toBe(false);
    expect(recordedPids()).toEqual([]);
  });
});
