import { describe, expect, it } from 'vitest';
import { promotionJson, statusJson } from '../src/json-output.js';
import { cli, useProject } from './helpers.js';

const project = useProject(
  'version: 1\nstages: [staging, production]\napprovals:\n  production:\n    count: 1\n',
);
const run = (args: string[]) => cli(args, { cwd: project.dir });
const board = async () => statusJson.parse(JSON.parse((await run(['status', 'm', '--json'])).stdout));
const predict = async (endpoint: string) =>
  (
    (await (await fetch(`${endpoint}/predict`, { method: 'POST', body: '{"instances":[[1]]}' })).json()) as {
      predictions: number[];
    }
  ).predictions[0];

describe('upload, reject and rollback through the real CLI', () => {
  it('upload stores the model content-addressed and says when it was already there', async () => {
    const model = project.model('u', 7, 0.9);
    const first = await run(['upload', 'm', '--path', model.path]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^file:\/\/\S+\/artifacts\/[0-9a-f]{64}\nmanifest sha256:[0-9a-f]{64}\n$/);
    expect((await run(['upload', 'm', '--path', model.path])).stdout).toContain('(already stored)');
  });

  it('reject ends a pending approval (exit 0) and the version leaves the board', async () => {
    const model = project.model('r', 1, 0.9);
    expect((await run(['register', 'm', '--path', model.path, '--metrics', model.metrics])).code).toBe(0);
    expect((await run(['promote', 'm', 'v1', '--to', 'staging'])).code).toBe(0);
    expect((await run(['promote', 'm', 'v1', '--to', 'production'])).code).toBe(4);
    const rejected = await run([
      'reject',
      'm',
      'v1',
      '--stage',
      'production',
      '--by',
      'alice',
      '--reason',
      'not yet',
      '--json',
    ]);
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(promotionJson.parse(JSON.parse(rejected.stdout)).outcome).toBe('rejected');
    const production = (await board()).stages.find((s) => s.name === 'production')!;
    expect(production.pendingApprovals).toEqual([]);
    expect(production.champion).toBeNull();
  });

  it('rollback puts the previous champion back on its own server', async () => {
    const model = project.model('r2', 2, 0.9);
    expect((await run(['register', 'm', '--path', model.path, '--metrics', model.metrics])).code).toBe(0);
    expect((await run(['promote', 'm', 'v2', '--to', 'staging'])).code).toBe(0);
    let staging = (await board()).stages.find((s) => s.name === 'staging')!;
    expect(staging.champion?.version).toBe('v2');
    expect(await predict(staging.champion!.endpoint!)).toBe(2);
    const rolled = await run(['rollback', 'm', '--stage', 'staging']);
    expect(rolled.code, rolled.stderr).toBe(0);
    expect(rolled.stdout).toMatch(/m v1 → staging: rolled back, serving at \S+ \(replaces v2\)/);
    staging = (await board()).stages.find((s) => s.name === 'staging')!;
    expect(staging.champion?.version).toBe('v1');
    expect(await predict(staging.champion!.endpoint!)).toBe(1);
    const again = await run(['rollback', 'm', '--stage', 'production']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('nothing to roll back');
  });
});
