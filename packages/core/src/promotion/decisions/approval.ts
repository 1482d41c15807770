// Approving or rejecting a version that waits in a stage; the approval that completes the count
// starts the deploy.
import type { ApprovalPolicy } from '../../config/schema.js';
import type { ApprovalSignature } from '../../ledger/events.js';
import { IllegalTransitionError } from '../../state/errors.js';
import { allowedTransitions } from '../../state/transitions.js';
import type { LedgerState, StageEntry } from '../../state/types.js';
import { NotAllowedError } from '../errors.js';
import type { PromotionResult } from '../types.js';
import { startDeploy } from './deploy.js';
import { assertNoOtherDeploy, eventOf, lookup, resultFor, stageOf, type Where } from './guards.js';
import { type Decision, returning } from './types.js';

export interface ApprovalDecisionInput {
  model: string;
  version: string;
  stage: string;
  by: string;
  reason?: string;
  key: string | undefined;
  approve: boolean;
  /** The stage's approval policy for this model (`approvalPolicyFor`). */
  policy: ApprovalPolicy | undefined;
  /** Checked before deciding (signed-approval.ts); recorded in the approval.granted event. */
  signature?: ApprovalSignature;
}

/** Who may decide, and that the requester does not approve their own promotion. */
function assertAllowed(input: ApprovalDecisionInput, entry: StageEntry | undefined): void {
  const verb = input.approve ? 'approve' : 'reject';
  const approvers = entry?.approvers?.length ? entry.approvers : (input.policy?.approvers ?? []);
  if (approvers.length && !approvers.includes(input.by))
    throw new NotAllowedError(
      `${input.by} may not ${verb} ${input.model} ${input.version} for ${input.stage}; allowed approvers: ${approvers.join(', ')}`,
    );
  if (input.approve && !input.policy?.allowSelfApproval && entry?.requestedBy === input.by)
    throw new NotAllowedError(
      `${input.by} asked for this promotion and may not approve it too; ask another approver (or set allowSelfApproval)`,
    );
}

export function decideApproval(
  state: LedgerState,
  input: ApprovalDecisionInput,
  now: string,
): Decision<PromotionResult> {
  lookup(state, input.model, input.version);
  const entry = stageOf(state, input.model, input.stage)?.entries[input.version];
  const status = entry?.status ?? 'registered';
  const where = { model: input.model, stage: input.stage, version: input.version };
  if (input.approve && entry?.approvals.some((a) => a.by === input.by))
    return returning(
      resultFor(where, status === 'pending-approval' ? 'pending-approval' : 'already-done', entry),
    );
  if (status !== 'pending-approval' && (input.approve || !['candidate', 'approved'].includes(status)))
    throw new IllegalTransitionError(
      `${input.model} ${input.version} in ${input.stage}`,
      status,
      input.approve ? 'approved' : 'rejected',
      allowedTransitions[status],
    );
  assertAllowed(input, entry);
  const base = { ...where, by: input.by, idempotencyKey: input.key };
  if (input.approve) return granted(state, input, where, entry, now);
  const result = resultFor(where, 'rejected', entry);
  const data = { ...(input.reason ? { reason: input.reason } : {}), result };
  return { kind: 'append', events: [eventOf('approval.rejected', now, base, data)], result };
}

function granted(
  state: LedgerState,
  input: ApprovalDecisionInput,
  where: Where,
  entry: StageEntry | undefined,
  now: string,
): Decision<PromotionResult> {
  const approvedBy = [...(entry?.approvals.map((a) => a.by) ?? []), input.by];
  const required = entry?.approvalsRequired ?? 0;
  const complete = approvedBy.length >= required;
  const reason = input.reason ? { reason: input.reason } : {};
  const signed = input.signature ? { signature: input.signature } : {};
  const base = { ...where, by: input.by, idempotencyKey: input.key };
  if (!complete) {
    const result = resultFor(where, 'pending-approval', entry, {
      approvals: { required, granted: approvedBy },
    });
    return {
      kind: 'append',
      events: [eventOf('approval.granted', now, base, { ...reason, ...signed, result })],
      result,
    };
  }
  assertNoOtherDeploy(
    stageOf(state, where.model, where.stage),
    where,
    '; approve again when it has finished',
  );
  const approval = { by: approvedBy.join(', '), ...reason };
  const start = { by: input.by, key: input.key, gates: entry?.gates ?? [], approval };
  return startDeploy(state, where, start, now, [
    eventOf('approval.granted', now, base, { ...reason, ...signed }),
  ]);
}
