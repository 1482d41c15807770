// A decision taken on the platform, outside modelship (a registry's Approved/Rejected set in a
// console), about a version waiting for approval: asked once the version waits, recorded by the
// caller as an approval or a rejection so the ledger stays the one source of truth.
import type { ExternalApproval } from '../contract/provider.js';
import type { LedgerState } from '../state/types.js';
import type { PromoterRuntime } from './runtime.js';
import type { ApproveInput, PromotionResult } from './types.js';

/** The approve/reject input the platform's decision amounts to, or undefined when it decided nothing. */
export async function externalDecision(
  runtime: PromoterRuntime,
  waiting: PromotionResult,
  state: LedgerState,
): Promise<{ input: ApproveInput; approve: boolean } | undefined> {
  const provider = runtime.options.provider;
  if (waiting.outcome !== 'pending-approval' || !provider?.externalApproval) return undefined;
  const refs = state.models[waiting.model]?.versions[waiting.version]?.refs ?? {};
  const decided: ExternalApproval | undefined = await provider.externalApproval(
    { model: { name: waiting.model, version: waiting.version }, stage: waiting.stage, refs },
    runtime.context,
  );
  if (!decided) return undefined;
  const input: ApproveInput = {
    model: waiting.model,
    version: waiting.version,
    stage: waiting.stage,
    by: decided.by,
    reason: decided.reason || `${decided.raw} in ${provider.name}`,
  };
  return { input, approve: decided.decision === 'approved' };
}
