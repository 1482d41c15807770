// The pure decisions, driven directly (no ledger, no provider): whatever users ask in whatever
// order, every decision's events apply legally, a stage never has two champions, and every
// champion is deployed. Deploys succeed or fail at random.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyState, evaluateGates, type LedgerState, ModelshipError, replay } from '../src/index.js';
import { decideApproval } from '../src/promotion/decisions/approval.js';
import { decidePromote } from '../src/promotion/decisions/promote.js';
import { decideDeployOutcome } from '../src/promotion/decisions/record.js';
import { decideRegister } from '../src/promotion/decisions/register.js';
import { decideRollback } from '../src/promotion/decisions/rollback.js';
import type { Decision } from '../src/promotion/decisions/types.js';
import { operation, stages } from './helpers/operations.js';

const policy = { count: 1, approvers: ['alice', 'bob'], allowSelfApproval: false };
const now = '2026-11-29T12:00:00.000Z';

/** Applies a decision the way the commit loop and the deploy saga would, without I/O. */
function apply(state: LedgerState, decision: Decision<unknown>, deployOk: boolean): LedgerState {
  if (decision.kind === 'return') return state;
  let next = replay(decision.events, state);
  if (decision.ticket) {
    const outcome = decideDeployOutcome(
      next,
      {
        ticket: decision.ticket,
        by: 'ci',
        ...(deployOk
          ? { deployed: { status: { unified: 'deployed', raw: 'ok' }, refs: {}, warnings: [] } }
          : { failure: { code: 'provider_error', message: 'boom' } }),
      },
      now,
    );
    next = apply(next, outcome, deployOk);
  }
  return next;
}

async function promote(state: LedgerState, version: string, to: string): Promise<Decision<unknown>> {
  const input = { model: 'm', version, to, by: 'carol', key: undefined };
  const decision = decidePromote(state, input, now);
  if (decision.kind !== 'needs-gates') return decision;
  const gates = await evaluateGates(
    { model: 'm', version: state.models.m!.versions[version]!, stage: to, stages, state: state.models.m },
    to === 'staging' ? { metrics: { accuracy: '>= 0.5' } } : {},
    to === 'production' ? policy : undefined,
    [],
  );
  const evaluated = decidePromote(state, { ...input, gates }, now);
  if (evaluated.kind === 'needs-gates') throw new Error('asked for gates twice');
  return evaluated;
}

describe('promotion decisions, driven directly', () => {
  it('apply legally; never two champions; every champion deployed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(operation, fc.boolean()), { minLength: 1, maxLength: 30 }),
        async (steps) => {
          let state = emptyState;
          for (const accuracy of [0.4, 0.6, 0.7, 0.8]) {
            const input = { model: 'm', metrics: { accuracy } };
            state = apply(
              state,
              decideRegister(state, { input, provenance: undefined, by: 'ci', key: undefined }, now),
              true,
            );
          }
          for (const [op, deployOk] of steps) {
            let decision: Decision<unknown>;
            try {
              if (op.kind === 'promote') decision = await promote(state, `v${op.version}`, op.stage);
              else if (op.kind === 'rollback')
                decision = decideRollback(
                  state,
                  { model: 'm', stage: op.stage, by: 'carol', key: undefined },
                  now,
                );
              else
                decision = decideApproval(
                  state,
                  {
                    model: 'm',
                    version: `v${op.version}`,
                    stage: 'production',
                    by: op.by,
                    key: undefined,
                    approve: op.kind === 'approve',
                    policy,
                  },
                  now,
                );
            } catch (error) {
              if (!ModelshipError.isInstance(error)) throw error;
              continue; // a refusal appends nothing
            }
            state = apply(state, decision, deployOk); // throws if a decision's events were illegal
          }
          for (const stage of Object.values(state.models.m?.stages ?? {})) {
            const deployed = Object.values(stage.entries).filter((entry) => entry.status === 'deployed');
            expect(deployed.length).toBeLessThanOrEqual(1);
            expect(stage.champion ?? null).toBe(deployed[0]?.version ?? null);
            expect(Object.values(stage.entries).some((entry) => entry.status === 'deploying')).toBe(false);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
