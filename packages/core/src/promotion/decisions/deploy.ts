// Deploys: starting one (shared by promote, approve, deploy and rollback), the explicit `deploy`
// call, and recording how the provider's deploy went.
import { InvalidInputError } from '../../contract/errors.js';
import type { LedgerEventInput } from '../../ledger/events.js';
import { IllegalTransitionError } from '../../state/errors.js';
import { allowedTransitions } from '../../state/transitions.js';
import type { GateReport, LedgerState } from '../../state/types.js';
import { ApprovalRequiredError } from '../errors.js';
import type { PromotionResult } from '../types.js';
import { assertNoOtherDeploy, eventOf, lookup, resultFor, stageOf, type Where } from './guards.js';
import { type Decision, type DeployTicket, returning } from './types.js';

export interface StartDeploy {
  by: string;
  key: string | undefined;
  gates: GateReport[];
  rollback?: boolean;
  approval?: DeployTicket['approval'];
}

/** Appends `deploy.started` after `before` and returns the ticket the deploy saga runs on. */
export function startDeploy<R>(
  state: LedgerState,
  where: Where,
  start: StartDeploy,
  now: string,
  before: LedgerEventInput[] = [],
): Decision<R> {
  const stage = stageOf(state, where.model, where.stage);
  const replaces = stage?.champion ?? null;
  const deployKey = start.key ?? `deploy:${where.model}:${where.version}:${where.stage}:${now}`;
  const rollback = start.rollback === true;
  const data = { replaces, ...(rollback ? { rollback } : {}), deployKey };
  const started = eventOf('deploy.started', now, { ...where, by: start.by, idempotencyKey: start.key }, data);
  const ticket: DeployTicket = {
    ...where,
    refs: lookup(state, where.model, where.version).refs,
    replaces,
    previousRefs: (replaces && stage?.entries[replaces]?.refs) || {},
    rollback,
    gates: start.gates,
    key: start.key,
    deployKey,
    ...(start.approval ? { approval: start.approval } : {}),
  };
  return { kind: 'append', events: [...before, started], ticket };
}

export interface DeployDecisionInput {
  model: string;
  stage: string;
  /** The version to deploy (see `deployTarget`). */
  version: string;
  by: string;
  key: string | undefined;
}

/** Which version `deploy` means: the one given, else the one waiting in the stage. */
export function deployTarget(state: LedgerState, model: string, stage: string, version?: string): string {
  const waiting = Object.values(stageOf(state, model, stage)?.entries ?? {}).find(
    (e) => e.status === 'approved' || e.status === 'pending-approval',
  );
  const target = version ?? waiting?.version;
  if (!target)
    throw new InvalidInputError(
      `no version of ${model} is waiting to be deployed to ${stage}; promote one first or pass a version`,
    );
  return target;
}

/** An explicit deploy of an approved (or failed) version. */
export function decideDeploy(
  state: LedgerState,
  input: DeployDecisionInput,
  now: string,
): Decision<PromotionResult> {
  lookup(state, input.model, input.version);
  const stage = stageOf(state, input.model, input.stage);
  const entry = stage?.entries[input.version];
  const status = entry?.status ?? 'registered';
  const where = { model: input.model, stage: input.stage, version: input.version };
  if (status === 'deployed') return returning(resultFor(where, 'already-done', entry));
  if (status === 'pending-approval') {
    const missing = (entry?.approvalsRequired ?? 0) - (entry?.approvals.length ?? 0);
    const from = entry?.approvers?.length ? ` from ${entry.approvers.join(', ')}` : '';
    throw new ApprovalRequiredError(
      `${input.model} ${input.version} needs ${missing} more approval(s) for ${input.stage}${from}`,
      { details: where },
    );
  }
  if (status !== 'approved' && status !== 'failed')
    throw new IllegalTransitionError(
      `${input.model} ${input.version} in ${input.stage}`,
      status,
      'deploying',
      allowedTransitions[status],
    );
  assertNoOtherDeploy(stage, where, ' right now');
  return startDeploy(state, where, { by: input.by, key: input.key, gates: entry?.gates ?? [] }, now);
}
