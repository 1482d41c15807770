// `promote` on a stage left `deploying`: exit 3 naming `modelship reconcile` while the run may be
// alive; past --stale-after the deploy is reconciled (here the local provider says it never
// started, so it is recorded failed) and the promote proceeds, with no manual reconcile.
import { join } from 'node:path';
import { createPromoter, openFileLedger, type ProviderV1 } from '@modelship/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerVersions, useProject } from './helpers.js';
import { runInProcess } from './in-process.js';

const project = useProject();
const run = (args: string[]) => runInProcess(args, { cwd: project.dir });

beforeAll(async () => {
  await registerVersions(project, 'm', [
    ['a', 2, 0.9],
    ['b', 3, 0.9],
  ]);
  // A run that starts deploying v1 and never finishes (this process stays alive, as a slow CI job would).
  let called = false;
  const hanging = {
    specificationVersion: 'v1',
    name: 'hanging',
    capabilities: { deploy: true },
    deploy: () => {
      called = true;
      return new Promise(() => {});
    },
  } as unknown as ProviderV1;
  const promoter = createPromoter({
    ledger: openFileLedger(join(project.dir, '.modelship')),
    provider: hanging,
    config: { stages: ['staging', 'production'] },
    env: { USER: 'ci' },
  });
  void promoter.promote({ model: 'm', version: 'v1', to: 'staging' });
  while (!called) await new Promise((resolve) => setTimeout(resolve, 5));
});

describe('promote onto a stage left deploying', () => {
  it('exits 3 naming the command that clears it while the run may still be alive', async () => {
    const result = await run(['promote', 'm', 'v2', '--to', 'staging']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('modelship reconcile m --stage staging');
  });

  it('refuses a --stale-after that is not a duration (exit 2)', async () => {
    const result = await run(['promote', 'm', 'v2', '--to', 'staging', '--stale-after', 'soon']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--stale-after: "soon" is not a duration');
  });

  it('reconciles it past --stale-after and proceeds', async () => {
    const result = await run(['promote', 'm', 'v2', '--to', 'staging', '--stale-after', '0s', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('m v1 was left deploying to staging');
    const history = JSON.parse((await run(['history', 'm', '--json'])).stdout) as {
      events: { type: string; version?: string; stage?: string }[];
    };
    const staging = history.events.filter((e) => e.stage === 'staging' && e.type.startsWith('deploy.'));
    expect(staging.map((e) => `${e.type} ${e.version}`)).toEqual([
      'deploy.started v1',
      'deploy.failed v1',
      'deploy.started v2',
      'deploy.succeeded v2',
    ]);
    expect((await run(['ledger', 'verify'])).code).toBe(0);
  });
});
