import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPromoter, type MappedStatus, openFileLedger, type ProviderV1 } from '../src/index.js';
import { fakeProvider } from './helpers/fake-provider.js';
import { suiteTempDir } from './helpers/temp-dir.js';

/** A provider whose deploy never returns, like a process killed mid-deploy, and whose status says `platform`. */
function stuckProvider(platform: Record<string, MappedStatus>, calls: string[]): ProviderV1 {
  return fakeProvider('stuck', ['deploy', 'status'], {
    deploy: (input) => {
      calls.push(`deploy ${input.model.version}`);
      return new Promise(() => {});
    },
    status: async (input) => ({
      status: platform[input.model.version ?? ''] ?? { unified: 'unknown', raw: '?' },
      endpoint: `http://127.0.0.1/${input.model.version}`,
      refs: { checked: 'yes' },
    }),
  });
}

const dir = suiteTempDir('modelship-recovery-');

describe('recovery', () => {
  it('records deploying before calling the provider, and reconcile() finishes or fails it from provider status', async () => {
    const ledgerDir = join(dir(), 'reconcile');
    const calls: string[] = [];
    const platform: Record<string, MappedStatus> = {};
    const crashed = createPromoter({
      ledger: openFileLedger(ledgerDir),
      provider: stuckProvider(platform, calls),
      env: { USER: 'ci' },
      captureProvenance: false,
    });
    for (const metric of [1, 2, 3]) await crashed.register({ model: 'm', metrics: { metric } });
    void crashed.promote({ model: 'm', version: 'v1', to: 'development' });
    void crashed.promote({ model: 'm', version: 'v2', to: 'staging' }).catch(() => undefined);
    while (calls.length < 1) await new Promise((r) => setTimeout(r, 5));
    // The provider was called only after `deploying` was durable.
    const { state } = await openFileLedger(ledgerDir).load();
    expect(state.models.m?.stages.development?.entries.v1?.status).toBe('deploying');

    const recovering = createPromoter({
      ledger: openFileLedger(ledgerDir),
      provider: stuckProvider(platform, calls),
      env: { USER: 'ci' },
      captureProvenance: false,
    });
    platform.v1 = { unified: 'running', raw: 'Creating' };
    expect(await recovering.reconcile()).toEqual([
      { model: 'm', version: 'v1', stage: 'development', outcome: 'in-progress', status: 'running' },
    ]);
    platform.v1 = { unified: 'deployed', raw: 'InService' };
    expect(await recovering.reconcile()).toEqual([
      { model: 'm', version: 'v1', stage: 'development', outcome: 'deployed', status: 'deployed' },
    ]);
    const board = await recovering.status('m');
    expect(board.stages[0]?.champion).toMatchObject({
      version: 'v1',
      endpoint: 'http://127.0.0.1/v1',
      refs: { checked: 'yes' },
    });

    void recovering.promote({ model: 'm', version: 'v3', to: 'development' });
    while (calls.length < 2) await new Promise((r) => setTimeout(r, 5));
    platform.v3 = { unified: 'failed', raw: 'Failed' };
    const [failed] = await recovering.reconcile();
    expect(failed).toMatchObject({ version: 'v3', outcome: 'failed' });
    expect((await recovering.status('m')).stages[0]?.champion?.version).toBe('v1');
    expect((await recovering.ledger.verify()).ok).toBe(true);
  });

  it('without a status call, reconcile re-deploys with the idempotency key of the interrupted deploy', async () => {
    const keys: string[] = [];
    const hanging: ProviderV1 = {
      ...stuckProvider({}, []),
      capabilities: { ...stuckProvider({}, []).capabilities, status: false },
      status: undefined,
    };
    hanging.deploy = async (input) => {
      keys.push(String(input.idempotencyKey));
      if (keys.length === 1) return new Promise(() => {});
      return { status: { unified: 'deployed', raw: 'ok' }, refs: {}, warnings: [] };
    };
    const ledgerDir = join(dir(), 'redeploy');
    const promoter = createPromoter({
      ledger: openFileLedger(ledgerDir),
      provider: hanging,
      env: { USER: 'ci' },
      captureProvenance: false,
    });
    await promoter.register({ model: 'm', metrics: {} });
    void promoter.promote({ model: 'm', version: 'v1', to: 'development' });
    while (keys.length < 1) await new Promise((r) => setTimeout(r, 5));
    const recovering = createPromoter({
      ledger: openFileLedger(ledgerDir),
      provider: hanging,
      env: { USER: 'ci' },
      captureProvenance: false,
    });
    expect(await recovering.reconcile()).toMatchObject([{ version: 'v1', outcome: 'deployed' }]);
    expect(keys[1]).toBe(keys[0]);
  });

  it('captures provenance from GitHub Actions variables and keys retries by run id and attempt', async () => {
    const env = {
      GITHUB_ACTIONS: 'true',
      GITHUB_SHA: 'a1b2c3',
      GITHUB_REPOSITORY: 'acme/churn',
      GITHUB_RUN_ID: '77',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_ACTOR: 'octocat',
    };
    const promoter = createPromoter({ ledger: openFileLedger(join(dir(), 'gha')), env });
    const version = await promoter.register({ model: 'm', metrics: { accuracy: 0.9 } });
    expect(version.provenance).toMatchObject({
      source: 'github-actions',
      repository: 'acme/churn',
      commit: 'a1b2c3',
      runId: '77',
      runAttempt: '2',
      actor: 'octocat',
    });
    expect(await promoter.register({ model: 'm', metrics: { accuracy: 0.9 } })).toEqual(version);
    expect((await promoter.register({ model: 'm', metrics: { accuracy: 0.95 } })).id).toBe('v2');
    const events = await promoter.history('m');
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      by: 'octocat',
      idempotencyKey: expect.stringMatching(/^run:77:2:register:m:/),
    });
  });
});
