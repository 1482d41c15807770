// How a call that decided ends: the deploy saga when it started a deploy, then the provider's tags
// mirrored (tags.ts, mirror.ts), returning the state it left so the caller reads nothing again.
import type { ProviderWarning } from '../contract/provider.js';
import type { LoadedState } from '../ledger/ledger.js';
import type { LedgerState } from '../state/types.js';
import type { DeployTicket } from './decisions/types.js';
import { runDeploySaga } from './deploy-saga.js';
import { applyTags } from './mirror.js';
import type { PromoterRuntime } from './runtime.js';
import { type TagChange, tagChangesFor } from './tags.js';
import type { PromotionResult } from './types.js';

/** A call's result and the state it left, so the caller can show the board without reading again. */
export interface Done<R> {
  result: R;
  loaded: LoadedState;
}

/** `result` with the warnings of mirroring `changes` to the provider's tags, if any. */
export async function mirrored(
  runtime: PromoterRuntime,
  result: PromotionResult,
  changes: TagChange[],
  state: LedgerState,
): Promise<PromotionResult> {
  const warnings = await applyTags(runtime, changes, state);
  return warnings.length ? { ...result, warnings: [...(result.warnings ?? []), ...warnings] } : result;
}

/** Runs the deploy a decision started, then moves the champion tags (after `late`). */
export async function deployTicket(
  runtime: PromoterRuntime,
  ticket: DeployTicket,
  from: LoadedState,
  early: ProviderWarning[] = [],
  late: TagChange[] = [],
): Promise<Done<PromotionResult>> {
  const recorded = await runDeploySaga(runtime, ticket, from);
  const outcome = recorded.result as PromotionResult;
  const result = early.length ? { ...outcome, warnings: early } : outcome;
  if (outcome.outcome !== 'promoted' && outcome.outcome !== 'rolled-back')
    return { result, loaded: recorded.loaded };
  const deployed = tagChangesFor({ kind: 'deployed', ...ticket, waited: outcome.approvals !== undefined });
  const tagged = await mirrored(runtime, result, [...late, ...deployed], recorded.loaded.state);
  return { result: tagged, loaded: recorded.loaded };
}
