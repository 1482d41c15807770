import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, useProject } from './helpers.js';
import { runInProcess } from './in-process.js';

// In GitHub Actions the runner's GITHUB_ACTOR is the identity GitHub vouches for; --by is just text.
const project = useProject();
const gha = { GITHUB_ACTIONS: 'true', GITHUB_ACTOR: 'alice', MODELSHIP_ACTOR: 'mallory' };
const run = (args: string[], env: Record<string, string> = {}) =>
  runInProcess(args, { cwd: project.dir, env: { ...env } });

beforeAll(async () => {
  const model = project.model('a', 2, 0.9);
  expect((await run(['register', 'm', '--path', model.path, '--metrics', model.metrics])).code).toBe(0);
  expect((await run(['promote', 'm', 'v1', '--to', 'staging'])).code).toBe(0);
  expect((await run(['promote', 'm', 'v1', '--to', 'production', '--by', 'ci'])).code).toBe(4);
});

describe('approvers in GitHub Actions', () => {
  it('refuses approve/reject --by someone other than GITHUB_ACTOR (exit 2, says why), records nothing', async () => {
    for (const verb of ['approve', 'reject']) {
      const result = await run([verb, 'm', 'v1', '--stage', 'production', '--by', 'bob'], gha);
      expect(result.code, verb).toBe(2);
      expect(result.stderr).toContain(
        'the approver must be the user who started the run (GITHUB_ACTOR=alice)',
      );
      expect(result.stderr).toContain('approvals.trustByFlag: true');
    }
    const unset = await run(['approve', 'm', 'v1', '--stage', 'production', '--by', 'alice'], {
      GITHUB_ACTIONS: 'true',
    });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('GITHUB_ACTOR=(unset)');
    const history = JSON.parse((await run(['history', 'm', '--json'])).stdout) as {
      events: { type: string }[];
    };
    expect(history.events.filter((e) => e.type.startsWith('approval.'))).toEqual([]);
  });

  it('accepts --by GITHUB_ACTOR and records that user', async () => {
    const result = await run(['approve', 'm', 'v1', '--stage', 'production', '--by', 'alice', '--json'], gha);
    expect(result.code, result.stderr).toBe(0);
    const history = JSON.parse((await run(['history', 'm', '--json'])).stdout) as {
      events: { type: string; by?: string }[];
    };
    expect(history.events.find((e) => e.type === 'approval.granted')?.by).toBe('alice');
  });

  it('trusts the flag when the config says approvals.trustByFlag: true, and outside Actions', async () => {
    const model = project.model('b', 3, 0.9);
    expect((await run(['register', 'm', '--path', model.path, '--metrics', model.metrics])).code).toBe(0);
    expect((await run(['promote', 'm', 'v2', '--to', 'staging'])).code).toBe(0);
    expect((await run(['promote', 'm', 'v2', '--to', 'production', '--by', 'ci'])).code).toBe(4);
    writeFileSync(
      join(project.dir, 'trusting.yaml'),
      defaultConfig.replace('approvals:\n', 'approvals:\n  trustByFlag: true\n'),
    );
    const trusted = await run(
      ['reject', 'm', 'v2', '--stage', 'production', '--by', 'bob', '--config', 'trusting.yaml'],
      gha,
    );
    expect(trusted.code, trusted.stderr).toBe(0);
    const local = await run(['status', 'm'], { MODELSHIP_ACTOR: 'mallory' });
    expect(local.code).toBe(0);
  });
});
