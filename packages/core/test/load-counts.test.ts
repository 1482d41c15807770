// How often a call reads the ledger, counted at the BatchStore: a promote that deploys and an
// approve that deploys each load the ledger at most 3 times, the board they return included
// (bench/ledger.mjs prints the same counts).
import { describe, expect, it } from 'vitest';
import { createPromoter, type ProviderV1 } from '../src/index.js';
import { countingLedger } from './helpers/counting-store.js';
import { fakeProvider, tagsAndDeploys } from './helpers/fake-provider.js';

const provider: ProviderV1 = fakeProvider('counting', ['tag', 'deploy', 'rollback'], {
  promotionTags: ['champion', 'challenger', 'approved', 'rejected'],
  tagsBeforeDeploy: ['approved'],
  ...tagsAndDeploys,
});

describe('ledger reads per call', () => {
  it('promote that deploys: ≤ 3 loads; approve that deploys: ≤ 3 loads; both return the board', async () => {
    const { store, ledger } = countingLedger();
    const promoter = createPromoter({
      config: {
        stages: ['staging', 'production'],
        approvals: { production: { count: 1, approvers: ['alice'] } },
      },
      ledger,
      provider,
      env: { USER: 'ci' },
      captureProvenance: false,
    });
    await promoter.register({ model: 'm', metrics: { accuracy: 0.9 } });

    store.reset();
    const promoted = await promoter.promote({ model: 'm', version: 'v1', to: 'staging' });
    expect(promoted.outcome).toBe('promoted');
    expect(store.counts.loads).toBeLessThanOrEqual(3);
    expect(promoted.board?.stages.find((s) => s.name === 'staging')?.champion?.version).toBe('v1');

    await promoter.promote({ model: 'm', version: 'v1', to: 'production' });
    store.reset();
    const approved = await promoter.approve({ model: 'm', version: 'v1', stage: 'production', by: 'alice' });
    expect(approved.outcome).toBe('promoted');
    expect(store.counts.loads).toBeLessThanOrEqual(3);
    expect(approved.board?.stages.find((s) => s.name === 'production')?.champion?.version).toBe('v1');
    // The board returned is the one a fresh read shows.
    const { seq: _seq, ...fresh } = await promoter.status('m');
    expect(approved.board).toMatchObject(fresh);
  });
});
