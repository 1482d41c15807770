import { describe, expect, it } from 'vitest';
import {
  createMemoryLedger,
  createPromoter,
  createProviderContext,
  type PromotionTag,
  type ProviderV1,
  silentLogger,
  verifyLedger,
} from '../src/index.js';
import { fakeProvider } from './helpers/fake-provider.js';

const env = { USER: 'ci-bot' };
const config = {
  stages: ['staging', 'production'],
  approvals: { production: { count: 2, approvers: ['alice', 'bob'] } },
};

/** A provider that records every tag call as `tag|untag version tag@stage [by: reason]`. */
function taggingProvider(
  promotionTags: PromotionTag[] | undefined,
  calls: string[],
  fail?: string,
  tagsBeforeDeploy: PromotionTag[] = ['approved'],
) {
  return fakeProvider('recording', ['tag', 'deploy', 'rollback'], {
    ...(promotionTags ? { promotionTags } : {}),
    // By default like SageMaker's registry: deploys only what it has seen approved.
    tagsBeforeDeploy,
    tag: async (input) => {
      const approval = input.approval
        ? ` [${input.approval.by}${input.approval.reason ? `: ${input.approval.reason}` : ''}]`
        : '';
      const call = `${input.action === 'remove' ? 'untag' : 'tag'} ${input.model.version} ${input.tag}@${input.stage}${approval}`;
      calls.push(call);
      if (fail && call.includes(fail)) throw new Error('registry said no (token hunter2)');
      return { refs: { tagged: input.tag }, warnings: [] };
    },
    deploy: async (input) => {
      calls.push(`deploy ${input.model.version}@${input.stage}`);
      return { status: { unified: 'deployed', raw: 'ok' }, refs: {}, warnings: [] };
    },
  });
}

async function setUp(
  promotionTags: PromotionTag[] | undefined,
  options: { fail?: string; mirrorTags?: boolean; tagsBeforeDeploy?: PromotionTag[] } = {},
) {
  const calls: string[] = [];
  const ledger = createMemoryLedger();
  const context = createProviderContext({ logger: silentLogger, secrets: ['hunter2'] });
  const promoter = createPromoter({
    config,
    ledger,
    provider: taggingProvider(promotionTags, calls, options.fail, options.tagsBeforeDeploy),
    context,
    env,
    captureProvenance: false,
    ...(options.mirrorTags === undefined ? {} : { mirrorTags: options.mirrorTags }),
  });
  for (const accuracy of [0.9, 0.95, 0.97])
    await promoter.register({ model: 'churn', metrics: { accuracy } });
  return { calls, ledger, promoter };
}

const all: PromotionTag[] = ['champion', 'challenger', 'approved', 'rejected'];

describe('the promoter mirrors its decisions to the provider tags it asks for', () => {
  it('challenger while waiting, approved (naming every approver) before the deploy, then the champion moves', async () => {
    const { calls, promoter } = await setUp(all);
    await promoter.promote({ model: 'churn', version: 'v1', to: 'staging' });
    expect(calls).toEqual(['deploy v1@staging', 'tag v1 champion@staging']);

    calls.length = 0;
    await promoter.promote({ model: 'churn', version: 'v1', to: 'production' });
    await promoter.approve({ model: 'churn', version: 'v1', stage: 'production', by: 'alice' });
    expect(calls).toEqual(['tag v1 challenger@production']);
    await promoter.approve({
      model: 'churn',
      version: 'v1',
      stage: 'production',
      by: 'bob',
      reason: 'holdout ok',
    });
    expect(calls).toEqual([
      'tag v1 challenger@production',
      'tag v1 approved@production [alice, bob: holdout ok]',
      'deploy v1@production',
      'tag v1 champion@production',
      'untag v1 challenger@production',
    ]);

    calls.length = 0;
    const second = await promoter.promote({ model: 'churn', version: 'v2', to: 'staging' });
    expect(second.outcome).toBe('promoted');
    expect(calls).toEqual([
      'deploy v2@staging',
      'untag v1 champion@staging', // before the new one is tagged: one-label platforms would undo it
      'tag v2 champion@staging',
    ]);

    calls.length = 0;
    await promoter.rollback({ model: 'churn', stage: 'staging' });
    expect(calls).toEqual(['deploy v1@staging', 'untag v2 champion@staging', 'tag v1 champion@staging']);
  });

  it('a rejection drops the challenger tag and adds rejected, naming who and why', async () => {
    const { calls, promoter } = await setUp(all);
    await promoter.promote({ model: 'churn', version: 'v3', to: 'staging' }); // production needs staging first
    calls.length = 0;
    await promoter.promote({ model: 'churn', version: 'v3', to: 'production' });
    await promoter.reject({ model: 'churn', version: 'v3', stage: 'production', by: 'bob', reason: 'drift' });
    expect(calls).toEqual([
      'tag v3 challenger@production',
      'untag v3 challenger@production',
      'tag v3 rejected@production [bob: drift]',
    ]);
  });

  it('a version that fails its gates is tagged rejected with the failed gates as the reason', async () => {
    const calls: string[] = [];
    const gated = createPromoter({
      config: { ...config, gates: { staging: { metrics: { accuracy: '>= 0.99' } } } },
      ledger: createMemoryLedger(),
      provider: taggingProvider(all, calls),
      context: createProviderContext({ logger: silentLogger }),
      env,
      captureProvenance: false,
    });
    await gated.register({ model: 'churn', metrics: { accuracy: 0.9 } });
    expect((await gated.promote({ model: 'churn', version: 'v1', to: 'staging' })).outcome).toBe(
      'gate-failed',
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/^tag v1 rejected@staging \[modelship gates: .*accuracy.*0\.99/);
  });

  it('only the tags the provider declares; none without promotionTags or with mirrorTags: false', async () => {
    const registry = await setUp(['approved', 'rejected']);
    await registry.promoter.promote({ model: 'churn', version: 'v1', to: 'staging' });
    registry.calls.length = 0;
    await registry.promoter.promote({ model: 'churn', version: 'v1', to: 'production' });
    await registry.promoter.approve({ model: 'churn', version: 'v1', stage: 'production', by: 'alice' });
    await registry.promoter.approve({ model: 'churn', version: 'v1', stage: 'production', by: 'bob' });
    expect(registry.calls).toEqual(['tag v1 approved@production [alice, bob]', 'deploy v1@production']);

    for (const quiet of [await setUp(undefined), await setUp(all, { mirrorTags: false })]) {
      await quiet.promoter.promote({ model: 'churn', version: 'v1', to: 'staging' });
      expect(quiet.calls).toEqual(['deploy v1@staging']);
    }
  });

  it('a provider that does not need `approved` before its deploy gets it after, before the champion moves', async () => {
    const { calls, promoter } = await setUp(all, { tagsBeforeDeploy: [] });
    await promoter.promote({ model: 'churn', version: 'v1', to: 'staging' });
    await promoter.promote({ model: 'churn', version: 'v1', to: 'production' });
    calls.length = 0;
    await promoter.approve({ model: 'churn', version: 'v1', stage: 'production', by: 'alice' });
    await promoter.approve({ model: 'churn', version: 'v1', stage: 'production', by: 'bob' });
    expect(calls).toEqual([
      'deploy v1@production',
      'tag v1 approved@production [alice, bob]',
      'tag v1 champion@production',
      'untag v1 challenger@production',
    ]);
  });

  it('a tag the platform refuses is a redacted warning; the ledger keeps the decision', async () => {
    const { calls, ledger, promoter } = await setUp(all, { fail: 'untag v1 champion@staging' });
    await promoter.promote({ model: 'churn', version: 'v1', to: 'staging' });
    calls.length = 0;
    const result = await promoter.promote({ model: 'churn', version: 'v2', to: 'staging' });
    expect(result.outcome).toBe('promoted');
    // The failed change does not stop the next one.
    expect(calls).toEqual(['deploy v2@staging', 'untag v1 champion@staging', 'tag v2 champion@staging']);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings?.[0]).toMatchObject({ type: 'other', feature: 'tag-mirror' });
    expect(result.warnings?.[0]?.message).toMatch(/could not untag churn v1 champion on staging .*re-run/);
    expect(result.warnings?.[0]?.message).not.toContain('hunter2');
    expect(JSON.stringify(await ledger.read())).not.toContain('hunter2');
    expect((await promoter.status('churn')).stages[0]?.champion?.version).toBe('v2');
    expect(await verifyLedger(ledger)).toMatchObject({ ok: true });
  });
});

describe('decisions taken on the platform (externalApproval)', () => {
  it('a version waiting for approval is approved or rejected as the platform says, naming who decided', async () => {
    const calls: string[] = [];
    const decisions: Record<string, { decision: 'approved' | 'rejected'; by: string; reason?: string }> = {
      v1: { decision: 'approved', by: 'studio-user', reason: 'holdout ok' },
      v2: { decision: 'rejected', by: 'studio-user', reason: 'drift' },
    };
    const provider: ProviderV1 = {
      ...taggingProvider(['approved', 'rejected'], calls),
      externalApproval: async (input) => {
        const d = decisions[input.model.version];
        return d ? { ...d, raw: d.decision === 'approved' ? 'Approved' : 'Rejected' } : undefined;
      },
    };
    const ledger = createMemoryLedger();
    const promoter = createPromoter({
      config: { stages: ['staging'], approvals: { staging: { count: 1 } } },
      ledger,
      provider,
      context: createProviderContext({ logger: silentLogger }),
      env,
      captureProvenance: false,
    });
    for (const accuracy of [0.9, 0.95, 0.97])
      await promoter.register({ model: 'churn', metrics: { accuracy } });
    expect((await promoter.promote({ model: 'churn', version: 'v1', to: 'staging' })).outcome).toBe(
      'promoted',
    );
    expect((await promoter.promote({ model: 'churn', version: 'v2', to: 'staging' })).outcome).toBe(
      'rejected',
    );
    expect((await promoter.promote({ model: 'churn', version: 'v3', to: 'staging' })).outcome).toBe(
      'pending-approval',
    );
    const events = (await ledger.read()).filter((e) => e.type.startsWith('approval.'));
    expect(events.map((e) => `${e.type} ${e.version} ${e.by}`)).toEqual([
      'approval.granted v1 studio-user',
      'approval.rejected v2 studio-user',
    ]);
    expect(calls).toContain('tag v1 approved@staging [studio-user: holdout ok]');
  });
});
