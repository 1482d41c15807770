import { beforeAll, describe, expect, it } from 'vitest';
import { statusJson } from '../src/json-output.js';
import { cli, registerVersions, useProject } from './helpers.js';

// Production does not require staging first, so every version may race for it.
const project = useProject(
  'version: 1\nstages: [staging, production]\ngates:\n  production:\n    previousStage: false\n',
);
const run = (args: string[]) => cli(args, { cwd: project.dir });
const versions = ['v1', 'v2', 'v3', 'v4'];

beforeAll(() =>
  registerVersions(
    project,
    'm',
    versions.map((_, index) => [`m${index}`, index + 1, 0.9] as const),
  ),
);

describe('concurrent promote processes on one stage', () => {
  it('compare-and-swap: exactly one wins (exit 0), the others lose the race (exit 3), one champion', async () => {
    const results = await Promise.all(
      versions.map((version) => run(['promote', 'm', version, '--to', 'staging', '--if-champion', 'none'])),
    );
    const codes = results.map((r) => r.code).sort();
    expect(codes, results.map((r) => r.stderr).join('\n')).toEqual([0, 3, 3, 3]);
    const board = statusJson.parse(JSON.parse((await run(['status', 'm', '--json'])).stdout));
    const staging = board.stages.find((stage) => stage.name === 'staging')!;
    const winner = versions[results.findIndex((r) => r.code === 0)];
    expect(staging.champion?.version).toBe(winner);
  });

  it('plain promotes: each ends promoted or lost (0 or 3), one champion, and the ledger verifies', async () => {
    const results = await Promise.all(
      versions.map((version) => run(['promote', 'm', version, '--to', 'production'])),
    );
    for (const result of results) expect([0, 3], result.stderr).toContain(result.code);
    expect(results.some((r) => r.code === 0)).toBe(true);
    const board = statusJson.parse(JSON.parse((await run(['status', 'm', '--json'])).stdout));
    const production = board.stages.find((stage) => stage.name === 'production')!;
    expect(production.champion).not.toBeNull();
    expect(production.challengers.filter((c) => c.status === 'deploying')).toEqual([]);
    const verify = await run(['ledger', 'verify']);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stdout).toContain('hash chain intact');
    const deployments = JSON.parse(
      (
        await cli(['deployments', '--root', `${project.dir}/.modelship`, '--json'], {
          cwd: project.dir,
          bin: 'modelship-local',
        })
      ).stdout,
    );
    // One server per stage: blue/green replaced the losers' servers, none leaked.
    expect(deployments.deployments.map((d: { stage: string }) => d.stage).sort()).toEqual([
      'production',
      'staging',
    ]);
  });
});
