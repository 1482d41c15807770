import { beforeAll, describe, expect, it } from 'vitest';
import { errorJson } from '../src/json-output.js';
import { cli, registerVersions, useProject } from './helpers.js';

const project = useProject();
const run = (args: string[]) => cli(args, { cwd: project.dir });

beforeAll(() =>
  registerVersions(project, 'm', [
    ['good', 2, 0.9],
    ['weak', 2, 0.2],
    ['other', 2, 0.8],
  ]),
);

describe('exit codes of the real CLI', () => {
  it('0: done (v1 promoted to staging)', async () => {
    const result = await run(['promote', 'm', 'v1', '--to', 'staging']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('m v1 → staging: promoted');
  });

  it('1: a gate said no, with the gate table on stdout and the reason', async () => {
    const result = await run(['promote', 'm', 'v2', '--to', 'staging']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/metric r2\s+r2 = 0\.2\s+>= 0\.5\s+FAIL/);
  });

  it('2: bad usage and bad input name the problem', async () => {
    const usage = await run(['promote', 'm', 'v1']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--to is required');
    const unknown = await run(['promote', 'm', 'v9', '--to', 'staging', '--json']);
    expect(unknown.code).toBe(2);
    expect(errorJson.parse(JSON.parse(unknown.stdout)).error.message).toContain('v9');
    const badConfig = await cli(['status', '--config', 'nope.yaml'], { cwd: project.dir });
    expect(badConfig.code).toBe(2);
  });

  it('3: lost a race (compare-and-swap on the champion)', async () => {
    const result = await run(['promote', 'm', 'v3', '--to', 'staging', '--if-champion', 'none']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('race_lost');
  });

  it('4: waiting for approval, then approve completes it', async () => {
    const pending = await run(['promote', 'm', 'v1', '--to', 'production', '--by', 'ci']);
    expect(pending.code).toBe(4);
    expect(pending.stdout).toContain('waiting for approval (0/1 granted)');
    const deploy = await run(['deploy', 'm', 'v1', '--stage', 'production']);
    expect(deploy.code).toBe(4);
    const own = await run(['approve', 'm', 'v1', '--stage', 'production', '--by', 'ci']);
    expect(own.code).toBe(5); // 5: not allowed — the requester may not approve their own promotion
    expect(own.stderr).toContain('not_allowed');
    const approved = await run(['approve', 'm', 'v1', '--stage', 'production', '--by', 'alice']);
    expect(approved.code, approved.stderr).toBe(0);
    // The approve that completed the approvals says so: the gate passed, and who approved.
    expect(approved.stdout).toMatch(/approvals\s+by alice\s+1\s+pass\s+approved by alice/);
    expect(approved.stdout).not.toContain('needs 1 approval');
  });

  it('--help documents every exit code', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const line of [
      '0  done',
      '1  a gate said no',
      '2  bad input or usage',
      '3  lost a concurrent race',
      '4  waiting for approval',
      '5  not allowed',
    ]) {
      expect(help.stdout).toContain(line);
    }
  });
});
