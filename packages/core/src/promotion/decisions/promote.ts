// Promoting a version into a stage: gates, then either a wait for approval, a refusal, or a deploy.
import { assertTransition } from '../../state/transitions.js';
import type { LedgerState } from '../../state/types.js';
import { RaceLostError } from '../errors.js';
import type { Evaluation, GateOutcome } from '../gates.js';
import type { PromotionResult } from '../types.js';
import { startDeploy } from './deploy.js';
import { assertNoOtherDeploy, deployingOther, eventOf, lookup, resultFor, stageOf } from './guards.js';
import { type Decision, returning } from './types.js';

export interface PromoteDecisionInput {
  model: string;
  version: string;
  to: string;
  by: string;
  key: string | undefined;
  evaluation?: Evaluation;
  /** Compare-and-swap on the stage's champion (null: none); undefined: no check. */
  expectedChampion?: string | null;
  /** The gates, once evaluated for this call (the decision asks for them with `needs-gates`). */
  gates?: GateOutcome;
  /** `promoteFingerprint` as an earlier attempt of this call saw it. */
  seen?: string;
}

/** Gates are async (manifest files, custom checks): the decision asks, the caller evaluates once. */
export type PromoteDecision = Decision<PromotionResult> | { kind: 'needs-gates' };

/** What an attempt's decision depends on; when it changed between attempts, the race is lost. */
export function promoteFingerprint(state: LedgerState, input: PromoteDecisionInput): string {
  const stage = stageOf(state, input.model, input.to);
  const status = stage?.entries[input.version]?.status ?? 'registered';
  return JSON.stringify([
    stage?.champion ?? null,
    status,
    deployingOther(stage, input.version)?.version ?? null,
  ]);
}

export function decidePromote(state: LedgerState, input: PromoteDecisionInput, now: string): PromoteDecision {
  lookup(state, input.model, input.version);
  const stage = stageOf(state, input.model, input.to);
  const entry = stage?.entries[input.version];
  const status = entry?.status ?? 'registered';
  const champion = stage?.champion ?? null;
  const where = { model: input.model, stage: input.to, version: input.version };
  if (input.seen !== undefined && input.seen !== promoteFingerprint(state, input))
    throw new RaceLostError(
      `another promoter changed ${input.model} ${input.to} first (champion now ${champion ?? 'none'}); nothing was recorded for ${input.version}`,
      { details: { ...where, champion } },
    );
  if (input.expectedChampion !== undefined && champion !== input.expectedChampion)
    throw new RaceLostError(
      `${input.model} ${input.to} has champion ${champion ?? 'none'}, not the expected ${input.expectedChampion ?? 'none'}; nothing was recorded`,
      { details: { ...where, champion } },
    );
  if (status === 'deployed') return returning(resultFor(where, 'already-done', entry));
  if (status === 'pending-approval') return returning(resultFor(where, 'pending-approval', entry));
  if (status === 'deploying')
    throw new RaceLostError(
      `${input.model} ${input.version} is already deploying to ${input.to} since ${entry?.since}; if that run crashed, run reconcile`,
      { details: where },
    );
  assertNoOtherDeploy(stage, where, ' right now; try again when it has finished');
  const start = { by: input.by, key: input.key };
  if (status === 'approved') return startDeploy(state, where, { ...start, gates: entry?.gates ?? [] }, now);
  assertTransition(`${input.model} ${input.version} in ${input.to}`, status, 'candidate');
  return input.gates ? evaluated(state, input, input.gates, now) : { kind: 'needs-gates' };
}

/** `promotion.requested` + `gates.evaluated`, then a deploy when nothing else is needed. */
function evaluated(
  state: LedgerState,
  input: PromoteDecisionInput,
  gates: GateOutcome,
  now: string,
): PromoteDecision {
  const where = { model: input.model, stage: input.to, version: input.version };
  const base = { ...where, by: input.by, idempotencyKey: input.key };
  const requested = eventOf('promotion.requested', now, base, {
    operation: 'promote',
    ...(input.evaluation ? { evaluation: input.evaluation } : {}),
  });
  const verdict = {
    passed: gates.passed,
    gates: gates.reports,
    approvalsRequired: gates.approvalsRequired,
    approvers: gates.approvers,
  };
  if (gates.passed && gates.approvalsRequired === 0) {
    const checked = eventOf('gates.evaluated', now, base, verdict);
    return startDeploy(state, where, { by: input.by, key: input.key, gates: gates.reports }, now, [
      requested,
      checked,
    ]);
  }
  const result: PromotionResult = {
    ...where,
    outcome: gates.passed ? 'pending-approval' : 'gate-failed',
    gates: gates.reports,
    ...(gates.passed ? { approvals: { required: gates.approvalsRequired, granted: [] } } : {}),
  };
  const events = [requested, eventOf('gates.evaluated', now, base, { ...verdict, result })];
  return { kind: 'append', events, result };
}
