// A registry's Approved/Rejected (set in a console, outside modelship) is recorded whenever
// modelship looks at the waiting version: approve/reject, reconcile and status, not only promote.
import { describe, expect, it } from 'vitest';
import {
  createMemoryLedger,
  createPromoter,
  createProviderContext,
  IllegalTransitionError,
  type ProviderV1,
  silentLogger,
} from '../src/index.js';
import { fakeProvider } from './helpers/fake-provider.js';

type Decided = { decision: 'approved' | 'rejected'; by: string; reason?: string };

/** A registry whose console decisions the test sets in `decided` (by version) after the promote. */
function registry(decided: Record<string, Decided>, calls: string[], external = true): ProviderV1 {
  return fakeProvider('registry', ['tag', 'deploy', 'rollback'], {
    promotionTags: ['approved', 'rejected'],
    tagsBeforeDeploy: ['approved'],
    tag: async (input) => {
      calls.push(`tag ${input.model.version} ${input.tag}@${input.stage}`);
      return { refs: {}, warnings: [] };
    },
    deploy: async (input) => {
      calls.push(`deploy ${input.model.version}@${input.stage}`);
      return { status: { unified: 'deployed', raw: 'ok' }, refs: {}, warnings: [] };
    },
    ...(external
      ? {
          externalApproval: async (input: { model: { version: string } }) => {
            calls.push(`ask ${input.model.version}`);
            const d = decided[input.model.version];
            return d ? { ...d, raw: d.decision === 'approved' ? 'Approved' : 'Rejected' } : undefined;
          },
        }
      : {}),
  });
}

async function waiting(count: number, external = true) {
  const decided: Record<string, Decided> = {};
  const calls: string[] = [];
  const ledger = createMemoryLedger();
  const promoter = createPromoter({
    config: { stages: ['staging'], approvals: { staging: { count } } },
    ledger,
    provider: registry(decided, calls, external),
    context: createProviderContext({ logger: silentLogger }),
    env: { USER: 'ci-bot' },
    captureProvenance: false,
  });
  for (const accuracy of [0.9, 0.95]) await promoter.register({ model: 'churn', metrics: { accuracy } });
  for (const version of ['v1', 'v2'])
    expect((await promoter.promote({ model: 'churn', version, to: 'staging' })).outcome).toBe(
      'pending-approval',
    );
  calls.length = 0;
  const approvals = async () =>
    (await ledger.read())
      .filter((e) => e.type.startsWith('approval.'))
      .map((e) => `${e.type} ${e.version} ${e.by}${e.data?.reason ? `: ${e.data.reason}` : ''}`);
  return { decided, calls, ledger, promoter, approvals };
}

describe('decisions taken on the platform are recorded wherever modelship looks', () => {
  it('approve: a registry rejection is recorded first, then the approval is refused as for any rejected version', async () => {
    const { decided, promoter, approvals } = await waiting(1);
    decided.v1 = { decision: 'rejected', by: 'studio-user', reason: 'drift' };
    await expect(
      promoter.approve({ model: 'churn', version: 'v1', stage: 'staging', by: 'alice' }),
    ).rejects.toBeInstanceOf(IllegalTransitionError);
    expect(await approvals()).toEqual(['approval.rejected v1 studio-user: drift']);
  });

  it('approve: the registry approval counts as its approver, the CLI approval completes the count', async () => {
    const { decided, calls, promoter, approvals } = await waiting(2);
    decided.v1 = { decision: 'approved', by: 'studio-user', reason: 'holdout ok' };
    const result = await promoter.approve({ model: 'churn', version: 'v1', stage: 'staging', by: 'alice' });
    expect(result.outcome).toBe('promoted');
    expect(result.approvals?.granted).toEqual(['studio-user', 'alice']);
    expect(await approvals()).toEqual([
      'approval.granted v1 studio-user: holdout ok',
      'approval.granted v1 alice',
    ]);
    expect(calls).toEqual(['ask v1', 'tag v1 approved@staging', 'deploy v1@staging']);
  });

  it('approve: when the registry approval alone completes the count, the approve returns that deploy', async () => {
    const { decided, calls, promoter, approvals } = await waiting(1);
    decided.v1 = { decision: 'approved', by: 'studio-user' };
    const result = await promoter.approve({ model: 'churn', version: 'v1', stage: 'staging', by: 'alice' });
    expect(result.outcome).toBe('promoted');
    expect(await approvals()).toEqual(['approval.granted v1 studio-user: Approved in registry']);
    expect(calls.filter((c) => c.startsWith('deploy'))).toEqual(['deploy v1@staging']);
  });

  it('reconcile asks for every waiting version within its filter and records what was decided', async () => {
    const { decided, promoter, approvals, calls } = await waiting(1);
    decided.v1 = { decision: 'approved', by: 'studio-user', reason: 'ok' };
    decided.v2 = { decision: 'rejected', by: 'reviewer', reason: 'bias' };
    expect(await promoter.reconcile({ stage: 'production' })).toEqual([]);
    expect(calls).toEqual([]);
    const reports = await promoter.reconcile({ model: 'churn' });
    expect(reports.map((r) => `${r.version} ${r.outcome} ${r.status}`)).toEqual([
      'v1 approved promoted (by studio-user: ok)',
      'v2 rejected rejected (by reviewer: bias)',
    ]);
    expect(await approvals()).toEqual([
      'approval.granted v1 studio-user: ok',
      'approval.rejected v2 reviewer: bias',
    ]);
    expect(await promoter.reconcile()).toEqual([]); // nothing waits any more
  });

  it('status records what was decided and shows the board after it', async () => {
    const { decided, promoter, approvals } = await waiting(1);
    decided.v2 = { decision: 'approved', by: 'studio-user', reason: 'ok' };
    const board = await promoter.status('churn');
    expect(board.stages[0]?.champion?.version).toBe('v2');
    expect(board.stages[0]?.pendingApprovals.map((p) => p.version)).toEqual(['v1']);
    expect(await approvals()).toEqual(['approval.granted v2 studio-user: ok']);
    expect((await promoter.status('churn')).seq).toBe(board.seq); // asked again: nothing new
  });

  it('status stays read-only without externalApproval', async () => {
    const { promoter, ledger } = await waiting(1, false);
    const before = (await ledger.read()).length;
    await promoter.status('churn');
    await promoter.reconcile();
    expect((await ledger.read()).length).toBe(before);
  });
});
