// Results say what happened: the approvals gate passes with who approved, a rollback is
// `rolled-back`, a deploy failed by someone else is `deploy-failed`, and a refused approver is
// `not_allowed`.
import { describe, expect, it } from 'vitest';
import {
  createMemoryLedger,
  createPromoter,
  type DeployResult,
  ErrorCode,
  type ProviderV1,
} from '../src/index.js';

const env = { USER: 'ci' };
const ok: DeployResult = { status: { unified: 'deployed', raw: 'ok' }, refs: {}, warnings: [] };

function provider(deploy: ProviderV1['deploy'], status?: ProviderV1['status']): ProviderV1 {
  return {
    specificationVersion: 'v1',
    name: 'outcomes',
    capabilities: {
      upload: false,
      train: false,
      tag: false,
      deploy: true,
      status: status !== undefined,
      undeploy: false,
      describe: false,
      rollback: true,
      abort: false,
    },
    upload: async () => {
      throw new Error('unused');
    },
    train: async () => {
      throw new Error('unused');
    },
    tag: async () => ({ refs: {}, warnings: [] }),
    deploy,
    ...(status ? { status } : {}),
  };
}

async function setUp(options: { deploy?: ProviderV1['deploy'] } = {}) {
  const ledger = createMemoryLedger();
  const promoter = createPromoter({
    config: {
      stages: ['staging', 'production'],
      approvals: { production: { count: 2, approvers: ['alice', 'bob'] } },
    },
    ledger,
    provider: provider(options.deploy ?? (async () => ok)),
    env,
    captureProvenance: false,
  });
  for (const accuracy of [0.9, 0.95]) await promoter.register({ model: 'm', metrics: { accuracy } });
  return { ledger, promoter };
}

describe('outcomes', () => {
  it('the approve that completes the approvals shows the approvals gate as pass, naming who approved', async () => {
    const { promoter } = await setUp();
    await promoter.promote({ model: 'm', version: 'v1', to: 'staging' });
    const waiting = await promoter.promote({ model: 'm', version: 'v1', to: 'production' });
    expect(waiting.gates.find((g) => g.kind === 'approvals')).toMatchObject({ verdict: 'pending' });
    await promoter.approve({ model: 'm', version: 'v1', stage: 'production', by: 'alice' });
    const done = await promoter.approve({ model: 'm', version: 'v1', stage: 'production', by: 'bob' });
    expect(done.outcome).toBe('promoted');
    expect(done.gates.find((g) => g.kind === 'approvals')).toMatchObject({
      verdict: 'pass',
      inputs: { approvedBy: ['alice', 'bob'] },
      message: 'approved by alice, bob',
    });
    expect(done.approvals).toEqual({ required: 2, granted: ['alice', 'bob'] });
  });

  it('rollback returns rolled-back', async () => {
    const { promoter } = await setUp();
    await promoter.promote({ model: 'm', version: 'v1', to: 'staging' });
    await promoter.promote({ model: 'm', version: 'v2', to: 'staging' });
    const rolled = await promoter.rollback({ model: 'm', stage: 'staging' });
    expect(rolled).toMatchObject({ outcome: 'rolled-back', version: 'v1', previous: 'v2' });
  });

  it('a deploy that reconcile failed meanwhile is deploy-failed, not gate-failed', async () => {
    let finish: (result: DeployResult) => void = () => {};
    let started: () => void = () => {};
    const calling = new Promise<void>((resolve) => {
      started = resolve;
    });
    const { ledger, promoter } = await setUp({
      deploy: () =>
        new Promise<DeployResult>((resolve) => {
          finish = resolve;
          started();
        }),
    });
    const slow = promoter.promote({ model: 'm', version: 'v1', to: 'staging' });
    await calling;
    // Another run gives up on it: the platform says the deploy failed.
    const recovering = createPromoter({
      config: { stages: ['staging', 'production'] },
      ledger,
      provider: provider(
        async () => ok,
        async () => ({ status: { unified: 'failed', raw: 'Failed' }, refs: {} }),
      ),
      env,
    });
    expect(await recovering.reconcile()).toMatchObject([{ version: 'v1', outcome: 'failed' }]);
    finish(ok);
    const result = await slow;
    expect(result.outcome).toBe('deploy-failed');
    expect(result.error?.message).toMatch(/Failed/);
  });

  it('an approver who is not allowed gets not_allowed', async () => {
    const { promoter } = await setUp();
    await promoter.promote({ model: 'm', version: 'v1', to: 'staging' });
    await promoter.promote({ model: 'm', version: 'v1', to: 'production' });
    await expect(
      promoter.approve({ model: 'm', version: 'v1', stage: 'production', by: 'mallory' }),
    ).rejects.toMatchObject({ code: ErrorCode.NotAllowed, name: 'NotAllowedError' });
  });
});
