// A promote that finds its stage `deploying` for a run that is gone reconciles it and proceeds; one
// whose run may still be alive loses (exit 3: a retry can succeed) naming the command that clears it.

import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPromoter,
  type DeployInput,
  type MappedStatus,
  openFileLedger,
  type ProviderV1,
  RaceLostError,
} from '../src/index.js';
import { deployStaleness } from '../src/promotion/stale-deploy.js';
import { fakeProvider } from './helpers/fake-provider.js';
import { bundleWorker, startWorker } from './helpers/workers.js';

/** Deploys at once (recording each call), or hangs when `hang` names the version; `status` when given. */
function provider(calls: string[], options: { hang?: string; status?: MappedStatus } = {}): ProviderV1 {
  const deploy = async (input: DeployInput) => {
    calls.push(`deploy ${input.model.version}@${input.stage}`);
    if (input.model.version === options.hang) return new Promise<never>(() => {});
    return { status: { unified: 'deployed' as const, raw: 'LIVE' }, refs: {}, warnings: [] };
  };
  const status = options.status;
  return status
    ? fakeProvider('recording', ['deploy', 'status'], { deploy, status: async () => ({ status, refs: {} }) })
    : fakeProvider('recording', ['deploy'], { deploy });
}

let dir: string;
let worker: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelship-stale-'));
  worker = await bundleWorker('stuck-deploy-worker');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const config = { stages: ['staging', 'production'], approvals: { production: { count: 1 } } };
const promoterFor = (ledgerDir: string, calls: string[], options: Parameters<typeof provider>[1] = {}) =>
  createPromoter({
    ledger: openFileLedger(ledgerDir),
    provider: provider(calls, options),
    config,
    env: { USER: 'ci' },
    captureProvenance: false,
  });

/** Runs a promote in another process and SIGKILLs it once the provider's deploy was called. */
async function killedDuringDeploy(
  ledgerDir: string,
  version: string,
  stage: string,
  op: 'promote' | 'approve' = 'promote',
): Promise<number> {
  const run = startWorker(worker, [ledgerDir, version, stage, op]);
  while (!run.lines.includes('deploying')) {
    if (run.child.exitCode !== null) throw new Error(`worker exited ${run.child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  run.child.kill('SIGKILL');
  await run.exited;
  return run.child.pid as number;
}

describe('a deploy left by a run that is gone', () => {
  it('is reconciled by the next promote of the stage, which then proceeds (no manual reconcile)', async () => {
    const ledgerDir = join(dir, 'killed');
    const calls: string[] = [];
    const promoter = promoterFor(ledgerDir, calls);
    for (const r2 of [0.8, 0.9]) await promoter.register({ model: 'm', metrics: { r2 } });
    const pid = await killedDuringDeploy(ledgerDir, 'v1', 'staging');
    const { state } = await openFileLedger(ledgerDir).load();
    expect(state.models.m?.stages.staging?.entries.v1).toMatchObject({
      status: 'deploying',
      runner: { host: hostname(), pid },
    });

    const result = await promoter.promote({ model: 'm', version: 'v2', to: 'staging' });
    expect(result.outcome).toBe('promoted');
    // v1's deploy was finished first (again, under its stored key), then v2 replaced it.
    expect(calls).toEqual(['deploy v1@staging', 'deploy v2@staging']);
    expect(result.previous).toBe('v1');
    expect(await openFileLedger(ledgerDir).verify()).toMatchObject({ ok: true });
  });

  it('is finished by a retry of the same promote', async () => {
    const ledgerDir = join(dir, 'retried');
    const calls: string[] = [];
    const promoter = promoterFor(ledgerDir, calls);
    await promoter.register({ model: 'm', metrics: { r2: 0.8 } });
    await killedDuringDeploy(ledgerDir, 'v1', 'staging');
    const retried = await promoter.promote({ model: 'm', version: 'v1', to: 'staging' });
    expect(['promoted', 'already-done']).toContain(retried.outcome);
    expect(calls).toEqual(['deploy v1@staging']);
    const board = await promoter.status('m');
    expect(board.stages.find((s) => s.name === 'staging')?.champion?.version).toBe('v1');
  });

  it('is finished by a retry of the approve whose deploy was killed', async () => {
    const ledgerDir = join(dir, 'approved');
    const calls: string[] = [];
    const promoter = promoterFor(ledgerDir, calls);
    await promoter.register({ model: 'm', metrics: { r2: 0.8 } });
    await promoter.promote({ model: 'm', version: 'v1', to: 'staging' });
    expect((await promoter.promote({ model: 'm', version: 'v1', to: 'production' })).outcome).toBe(
      'pending-approval',
    );
    await killedDuringDeploy(ledgerDir, 'v1', 'production', 'approve');
    const retried = await promoter.approve({ model: 'm', version: 'v1', stage: 'production', by: 'alice' });
    expect(['promoted', 'already-done']).toContain(retried.outcome);
    expect(calls).toEqual(['deploy v1@staging', 'deploy v1@production']);
    const board = await promoter.status('m');
    expect(board.stages.find((s) => s.name === 'production')?.champion?.version).toBe('v1');
  });
});

describe('a deploy whose run may still be alive', () => {
  it('loses with exit-3 semantics and names `modelship reconcile`, until deploy.staleAfter has passed', async () => {
    const ledgerDir = join(dir, 'young');
    const calls: string[] = [];
    // This process deploys v1 and never finishes: its pid is alive, so only the timeout can free the stage.
    const hung = promoterFor(ledgerDir, calls, { hang: 'v1' });
    for (const r2 of [0.8, 0.9]) await hung.register({ model: 'm', metrics: { r2 } });
    void hung.promote({ model: 'm', version: 'v1', to: 'staging' });
    while (!calls.length) await new Promise((resolve) => setTimeout(resolve, 5));

    const next = promoterFor(ledgerDir, calls);
    const lost = await next.promote({ model: 'm', version: 'v2', to: 'staging' }).catch((error) => error);
    expect(RaceLostError.isInstance(lost)).toBe(true);
    expect((lost as Error).message).toContain('modelship reconcile m --stage staging');

    // The platform says it is still running: nothing can be decided yet, and the message says so.
    const asking = promoterFor(ledgerDir, calls, { status: { unified: 'running', raw: 'Creating' } });
    const running = await asking
      .promote({ model: 'm', version: 'v2', to: 'staging', staleAfter: '0s' })
      .catch((error) => error);
    expect(RaceLostError.isInstance(running)).toBe(true);
    expect((running as Error).message).toMatch(
      /still deploying to staging on the platform \(status running\)/,
    );

    // Past the timeout, with a provider that cannot tell, the deploy is run again and the call proceeds.
    const result = await next.promote({ model: 'm', version: 'v2', to: 'staging', staleAfter: '0s' });
    expect(result.outcome).toBe('promoted');
    expect(calls).toEqual(['deploy v1@staging', 'deploy v1@staging', 'deploy v2@staging']);
  });

  it('refuses a staleAfter that is not a duration, naming it', async () => {
    const promoter = promoterFor(join(dir, 'bad'), []);
    await promoter.register({ model: 'm', metrics: { r2: 0.8 } });
    await expect(
      promoter.promote({ model: 'm', version: 'v1', to: 'staging', staleAfter: 'soon' }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('--stale-after') });
  });
});

describe('deployStaleness', () => {
  const here = { host: 'ci-1' };
  const since = '2026-01-01T00:00:00.000Z';
  const at = (minutes: number) => new Date(Date.parse(since) + minutes * 60_000);
  const alive = (pid: number) => pid === 42;

  it('is stale at once when the runner pid is gone on this host', () => {
    const entry = { since, runner: { host: 'ci-1', pid: 7 } };
    expect(deployStaleness(entry, at(1), 30 * 60_000, here, alive)).toMatchObject({ stale: true });
  });

  it('waits for the timeout when the runner is alive, on another host, or unknown', () => {
    for (const runner of [{ host: 'ci-1', pid: 42 }, { host: 'ci-2', pid: 7 }, undefined]) {
      const entry = { since, ...(runner ? { runner } : {}) };
      expect(deployStaleness(entry, at(29), 30 * 60_000, here, alive)).toEqual({
        stale: false,
        until: '2026-01-01T00:30:00.000Z',
      });
      expect(deployStaleness(entry, at(30), 30 * 60_000, here, alive)).toMatchObject({ stale: true });
    }
  });
});
