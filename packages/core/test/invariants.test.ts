// Property test: whatever sequence of calls users make, a stage never has two champions, every
// champion is `deployed`, and the ledger always verifies and replays to the state it stored.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryLedger, createPromoter, emptyState, ModelshipError, replay } from '../src/index.js';
import { operation } from './helpers/operations.js';

describe('promotion invariants', () => {
  it('never two champions in a stage; the ledger always verifies and replays to its state', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 25 }), async (operations) => {
        const promoter = createPromoter({
          config: {
            gates: { staging: { metrics: { accuracy: '>= 0.5' } } },
            approvals: { production: { count: 1, approvers: ['alice', 'bob'] } },
          },
          ledger: createMemoryLedger(),
          env: { USER: 'carol' },
          captureProvenance: false,
        });
        for (const accuracy of [0.4, 0.6, 0.7, 0.8])
          await promoter.register({ model: 'm', metrics: { accuracy } });
        for (const op of operations) {
          try {
            if (op.kind === 'promote')
              await promoter.promote({ model: 'm', version: `v${op.version}`, to: op.stage });
            else if (op.kind === 'approve' || op.kind === 'reject')
              await promoter[op.kind]({
                model: 'm',
                version: `v${op.version}`,
                stage: 'production',
                by: op.by,
              });
            else await promoter.rollback({ model: 'm', stage: op.stage });
          } catch (error) {
            if (!ModelshipError.isInstance(error)) throw error;
          }
        }
        const { state } = await promoter.ledger.load();
        for (const stage of Object.values(state.models.m?.stages ?? {})) {
          const deployed = Object.values(stage.entries).filter((entry) => entry.status === 'deployed');
          expect(deployed.length).toBeLessThanOrEqual(1);
          expect(stage.champion ?? null).toBe(deployed[0]?.version ?? null);
        }
        expect((await promoter.ledger.verify()).problems).toEqual([]);
        const replayed = replay(await promoter.ledger.read(), emptyState);
        expect(JSON.stringify(replayed)).toBe(JSON.stringify(state));
      }),
      { numRuns: 60 },
    );
  });
});
