// Recording how a deploy went, once the provider has answered (or reconcile asked it).
import type { DeployResult } from '../../contract/provider.js';
import type { LedgerState } from '../../state/types.js';
import type { PromotionResult } from '../types.js';
import { eventOf, resultFor, stageOf } from './guards.js';
import { type Decision, type DeployTicket, returning } from './types.js';

export interface DeployOutcomeInput {
  ticket: DeployTicket;
  /** What the provider returned; absent when it threw. */
  deployed?: DeployResult;
  /** Why the deploy failed (already redacted), if it did. */
  failure?: { code: string; message: string };
  by: string;
}

/** `deploy.succeeded` or `deploy.failed` for a version still `deploying`; otherwise what became of it. */
export function decideDeployOutcome(
  state: LedgerState,
  input: DeployOutcomeInput,
  now: string,
): Decision<PromotionResult> {
  const { ticket, deployed, failure } = input;
  const where = { model: ticket.model, stage: ticket.stage, version: ticket.version };
  const entry = stageOf(state, ticket.model, ticket.stage)?.entries[ticket.version];
  if (entry?.status !== 'deploying')
    return returning(resultFor(where, entry?.status === 'deployed' ? 'already-done' : 'gate-failed', entry));
  const base = { ...where, by: input.by, idempotencyKey: ticket.key };
  const result = resultFor(where, 'promoted', entry, {
    gates: ticket.gates,
    previous: ticket.replaces,
    ...(deployed ? { deploy: deployed } : {}),
  });
  if (failure || !deployed)
    return {
      kind: 'append',
      events: [
        eventOf('deploy.failed', now, base, {
          error: failure ?? { code: 'provider_error', message: 'no result' },
        }),
      ],
      result,
    };
  const data = {
    endpoint: deployed.endpoint,
    refs: deployed.refs ?? {},
    status: deployed.status,
    rollback: ticket.rollback,
    result,
  };
  return { kind: 'append', events: [eventOf('deploy.succeeded', now, base, data)], result };
}
