// Property test: whatever sequence of calls users make, a stage never has two champions, every
// champion is `deployed`, and the ledger always verifies and replays to the state it stored.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createMemoryLedger,
  createPromoter,
  createReplayer,
  emptyState,
  type LedgerState,
  ModelshipError,
  reduce,
  replay,
} from '../src/index.js';
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
        const events = await promoter.ledger.read();
        const replayed = replay(events, emptyState);
        expect(JSON.stringify(replayed)).toBe(JSON.stringify(state));

        // In place (replay, the replayer) and by copying (reduce) agree state by state, and
        // neither touches a state it was given: every state reduce returned still reads the same.
        const kept: { state: LedgerState; json: string }[] = [];
        let reduced = emptyState;
        for (const event of events) {
          reduced = reduce(reduced, event);
          kept.push({ state: reduced, json: JSON.stringify(reduced) });
        }
        const middle = kept[Math.floor(kept.length / 2)]!;
        const replayer = createReplayer(middle.state);
        for (const event of events.slice(middle.state.seq)) {
          replayer.apply(event);
          expect(JSON.stringify(replayer.state)).toBe(kept[event.seq - 1]!.json);
        }
        for (const { state: earlier, json } of kept) expect(JSON.stringify(earlier)).toBe(json);
        expect(JSON.stringify(reduced)).toBe(JSON.stringify(state));
      }),
      { numRuns: 60 },
    );
  });

  it('an event the state does not allow throws and leaves the replayer state as it was', async () => {
    const promoter = createPromoter({
      ledger: createMemoryLedger(),
      env: { USER: 'carol' },
      captureProvenance: false,
    });
    await promoter.register({ model: 'm', metrics: { accuracy: 0.9 } });
    await promoter.promote({ model: 'm', version: 'v1', to: 'staging' });
    const events = await promoter.ledger.read();
    const replayer = createReplayer(emptyState);
    for (const event of events) replayer.apply(event);
    const before = JSON.stringify(replayer.state);
    const head = events.at(-1)!;
    const snapshot = replayer.snapshot();
    // The default gates rejected v1 for staging: it cannot become deployed there, nor be registered again.
    expect(() =>
      replayer.apply({
        ...head,
        seq: head.seq + 1,
        type: 'deploy.succeeded',
        idempotencyKey: 'again',
        data: {},
      }),
    ).toThrow();
    expect(() =>
      replayer.apply({
        ...head,
        seq: head.seq + 1,
        type: 'version.registered',
        version: 'v1',
        data: { record: {} },
      } as never),
    ).toThrow(/already has a version v1/);
    expect(JSON.stringify(replayer.state)).toBe(before);
    replayer.apply({
      ...head,
      seq: head.seq + 1,
      type: 'promotion.requested',
      version: 'v1',
      stage: 'production',
      data: {},
    });
    expect(JSON.stringify(snapshot)).toBe(before);
  });
});
