// The lifecycle example of @modelship/core's README, run as written against this provider: a
// script registering a model folder and promoting it must not end in "deploy: no stored artifact".
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createProviderContext, openFileLedger, silentLogger } from '@modelship/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalProvider } from '../src/index.js';
import { makeWorkspace } from './fixtures.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const app = mkdtempSync(join(tmpdir(), 'modelship-core-readme-'));
const fixture = makeWorkspace();

afterAll(async () => {
  // The script leaves its inference servers running, as a real deploy does; stop them here.
  await createLocalProvider({ root: join(app, '.modelship') }).undeployAll(
    createProviderContext({ logger: silentLogger }),
  );
  rmSync(app, { recursive: true, force: true });
  fixture.cleanup();
});

function readmeExample(): string {
  const readme = readFileSync(join(repo, 'packages/core/README.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('packages/core/README.md has no ```ts block');
  return block;
}

describe('the core README lifecycle', () => {
  it('registers a model folder, promotes it to production after one approval, and serves it', async () => {
    // An app of its own: the workspace's node_modules, resolved to sources (no build needed).
    symlinkSync(join(repo, 'node_modules'), join(app, 'node_modules'), 'dir');
    cpSync(fixture.modelDir, join(app, 'model'), { recursive: true });
    writeFileSync(
      join(app, 'modelship.config.json'),
      JSON.stringify({ approvals: { production: { count: 1 } } }),
    );
    writeFileSync(
      join(app, 'lifecycle.mts'),
      `${readmeExample()}\nconsole.log(JSON.stringify({ version: version.id, board }));\n`,
    );
    const run = await promisify(execFile)(
      process.execPath,
      ['--conditions=modelship-source', '--import', 'tsx', 'lifecycle.mts'],
      { cwd: app, env: { PATH: process.env.PATH, HOME: app, USER: 'ci-bot' } },
    ).catch((error: { stdout: string; stderr: string; code: number }) => error);
    expect(run.stderr).not.toContain('Error');
    const printed = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
      version: string;
      board: { stages: Array<{ name: string; champion: { version: string } | null }> };
    };
    expect(printed.version).toBe('v1');
    expect(printed.board.stages.map((s) => [s.name, s.champion?.version])).toEqual([
      ['development', 'v1'],
      ['staging', 'v1'],
      ['production', 'v1'],
    ]);

    // Read back independently: the ledger verifies and holds alice's approval and production's deploy.
    const ledger = openFileLedger(join(app, '.modelship'));
    expect((await ledger.verify()).ok).toBe(true);
    const events = await ledger.read();
    expect(events.filter((e) => e.type === 'approval.granted').map((e) => [e.stage, e.by])).toEqual([
      ['production', 'alice'],
    ]);
    const registered = events.find((e) => e.type === 'version.registered')!;
    const { record } = registered.data as {
      record: { refs: Record<string, string>; manifestDigest?: string };
    };
    // The stored copy the upload stamped is what was registered, not the app's own folder.
    expect(record.manifestDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(existsSync(join(record.refs.artifactDir!, 'modelship.manifest.json'))).toBe(true);
    const served = (await createLocalProvider({ root: join(app, '.modelship') }).deployments()).find(
      (d) => d.stage === 'production',
    );
    expect(served).toMatchObject({ model: 'churn', version: 'v1', manifestDigest: record.manifestDigest });
    const prediction = await fetch(`${served!.url}/predict`, {
      method: 'POST',
      body: JSON.stringify({ instances: [{ x: 3 }] }),
    });
    expect(((await prediction.json()) as { predictions: number[] }).predictions).toEqual([7]);
  });
});
