// Approving or rejecting a version that waits in a stage, from the CLI or from the platform: what
// the platform decided (external-approval.ts) is recorded first, under its own approver, and the
// caller's call then proceeds on that state.
import { approvalPolicyFor } from '../config/load.js';
import type { LoadedState } from '../ledger/ledger.js';
import { commit } from './commit.js';
import { decideApproval } from './decisions/approval.js';
import { externalDecision, type Waiting, waitingIn } from './external-approval.js';
import { type Done, deployTicket, mirrored } from './finish.js';
import { applyTags, beforeDeploy } from './mirror.js';
import type { PromoterRuntime } from './runtime.js';
import { assertSignedApproval } from './signed-approval.js';
import { recoverStaleDeploy } from './stale-deploy.js';
import { tagChangesFor } from './tags.js';
import type { ApproveInput, PromotionResult, ReconcileReport } from './types.js';

interface Settled {
  loaded: LoadedState;
  /** The platform's decision as recorded, when it had taken one. */
  done?: Done<PromotionResult>;
  decided?: ApproveInput & { approve: boolean };
}

/** Records what the platform decided about `waiting`, if anything; a failure to ask or record is logged. */
export async function settle(
  runtime: PromoterRuntime,
  waiting: Waiting,
  loaded: LoadedState,
): Promise<Settled> {
  try {
    const external = await externalDecision(runtime, waiting, loaded.state);
    if (!external) return { loaded };
    const done = await decide(runtime, external.input, external.approve, loaded, false);
    return { loaded: done.loaded, done, decided: { ...external.input, approve: external.approve } };
  } catch (error) {
    const failure = runtime.redacted(error);
    const where = `${waiting.model} ${waiting.version} in ${waiting.stage}`;
    runtime.context.logger.warn(`could not record the platform's decision on ${where}: ${failure.message}`);
    return { loaded };
  }
}

/** Records the platform's decisions on every version waiting within `filter` (nothing read without `externalApproval`). */
export async function settleWaiting(
  runtime: PromoterRuntime,
  filter: { model?: string; stage?: string },
  from?: LoadedState,
): Promise<{ loaded?: LoadedState; reports: ReconcileReport[] }> {
  if (!runtime.options.provider?.externalApproval) return { loaded: from, reports: [] };
  let loaded = from ?? (await runtime.ledger.load());
  const reports: ReconcileReport[] = [];
  for (const waiting of waitingIn(loaded.state, filter)) {
    const settled = await settle(runtime, waiting, loaded);
    loaded = settled.loaded;
    if (!settled.done || !settled.decided) continue;
    const outcome = settled.decided.approve ? 'approved' : 'rejected';
    const status = `${settled.done.result.outcome} (by ${settled.decided.by}: ${settled.decided.reason})`;
    reports.push({ ...waiting, outcome, status });
  }
  return { loaded, reports };
}

/** Asks the platform first (when `ask` and it can tell), then approves or rejects as `input` says. */
export async function decide(
  runtime: PromoterRuntime,
  input: ApproveInput,
  approve: boolean,
  from?: LoadedState,
  ask = true,
): Promise<Done<PromotionResult>> {
  runtime.assertStage(input.stage);
  let held = from;
  if (ask && runtime.options.provider?.externalApproval) {
    const settled = await settle(runtime, input, held ?? (await runtime.ledger.load()));
    held = settled.loaded;
    const entry = held.state.models[input.model]?.stages[input.stage]?.entries[input.version];
    // An approval the platform already granted in full is this approval: nothing is left to approve.
    if (settled.done && settled.decided?.approve && approve && entry?.status !== 'pending-approval')
      return settled.done;
  }
  return recordDecision(runtime, input, approve, held);
}

async function recordDecision(
  runtime: PromoterRuntime,
  input: ApproveInput,
  approve: boolean,
  from: LoadedState | undefined,
): Promise<Done<PromotionResult>> {
  const where = { model: input.model, stage: input.stage, version: input.version };
  const parts = [input.model, input.version, input.stage, input.by];
  const key = runtime.key(input.idempotencyKey, approve ? 'approve' : 'reject', parts);
  const policy = approvalPolicyFor(runtime.config, input.model, input.stage);
  let held = from ?? (await runtime.ledger.load());
  if (approve) {
    // A retried approve whose deploy was left by a killed run finishes that deploy first.
    held = (await recoverStaleDeploy(runtime, input, undefined, held)) ?? (await runtime.ledger.load());
    await assertSignedApproval(runtime, input, policy, held);
  }
  const signature = approve ? input.signature : undefined;
  const committed = await commit(
    runtime,
    {
      key,
      decide: (state) => decideApproval(state, { ...input, key, approve, policy, signature }, runtime.now()),
    },
    held,
  );
  const { ticket, loaded } = committed;
  if (ticket?.approval) {
    const changes = tagChangesFor({ kind: 'approved', ...where, approval: ticket.approval });
    const early = beforeDeploy(runtime, changes);
    const warnings = await applyTags(runtime, early, loaded.state);
    const late = changes.filter((change) => !early.includes(change));
    return deployTicket(runtime, ticket, loaded, warnings, late);
  }
  const result = committed.result as PromotionResult;
  if (approve || result.outcome !== 'rejected') return { result, loaded };
  const approval = { by: input.by, ...(input.reason ? { reason: input.reason } : {}) };
  const changes = tagChangesFor({ kind: 'rejected', ...where, approval });
  return { result: await mirrored(runtime, result, changes, loaded.state), loaded };
}
