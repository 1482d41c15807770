// Recording how a deploy went, once the provider has answered (or reconcile asked it).
import type { DeployResult } from '../../contract/provider.js';
import type { GateReport, LedgerState, StageEntry } from '../../state/types.js';
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

/** The `approvals` gate once the approvals are complete: `pass`, naming who approved. */
export function withApprovals(gates: readonly GateReport[], entry: StageEntry): GateReport[] {
  const by = entry.approvals.map((approval) => approval.by);
  if (entry.approvalsRequired === 0 || by.length < entry.approvalsRequired) return [...gates];
  return gates.map((gate) =>
    gate.kind === 'approvals'
      ? {
          ...gate,
          verdict: 'pass',
          inputs: { ...gate.inputs, approvedBy: by },
          message: `approved by ${by.join(', ')}`,
        }
      : gate,
  );
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
  // Someone else finished it while the provider worked (reconcile, or a retried run).
  if (entry?.status === 'deployed') return returning(resultFor(where, 'already-done', entry));
  if (entry?.status !== 'deploying')
    return returning(resultFor(where, 'deploy-failed', entry, entry?.error ? { error: entry.error } : {}));
  const base = { ...where, by: input.by, idempotencyKey: ticket.key };
  const result = resultFor(where, ticket.rollback ? 'rolled-back' : 'promoted', entry, {
    gates: withApprovals(ticket.gates, entry),
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
