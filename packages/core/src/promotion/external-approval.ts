// A decision taken on the platform, outside modelship (a registry's Approved/Rejected set in a
// console), about a version waiting for approval: asked whenever modelship looks at such a version
// (promote, approve/reject, reconcile, status) and recorded as an approval or a rejection, so the
// ledger stays the one source of truth.
import type { ExternalApproval } from '../contract/provider.js';
import type { LedgerState } from '../state/types.js';
import type { PromoterRuntime } from './runtime.js';
import type { ApproveInput } from './types.js';

export interface Waiting {
  model: string;
  version: string;
  stage: string;
}

/** Every version waiting for approval in `state`, within `filter`'s model and stage. */
export function waitingIn(state: LedgerState, filter: { model?: string; stage?: string } = {}): Waiting[] {
  return Object.values(state.models)
    .filter((model) => !filter.model || model.name === filter.model)
    .flatMap((model) =>
      Object.values(model.stages)
        .filter((stage) => !filter.stage || stage.name === filter.stage)
        .flatMap((stage) =>
          Object.values(stage.entries)
            .filter((entry) => entry.status === 'pending-approval')
            .map((entry) => ({ model: model.name, version: entry.version, stage: stage.name })),
        ),
    );
}

/** The approve/reject input the platform's decision amounts to, or undefined when it decided nothing. */
export async function externalDecision(
  runtime: PromoterRuntime,
  waiting: Waiting,
  state: LedgerState,
): Promise<{ input: ApproveInput; approve: boolean } | undefined> {
  const provider = runtime.options.provider;
  const model = state.models[waiting.model];
  const entry = model?.stages[waiting.stage]?.entries[waiting.version];
  if (entry?.status !== 'pending-approval' || !provider?.externalApproval) return undefined;
  const refs = model?.versions[waiting.version]?.refs ?? {};
  const decided: ExternalApproval | undefined = await provider.externalApproval(
    { model: { name: waiting.model, version: waiting.version }, stage: waiting.stage, refs },
    runtime.context,
  );
  // Asked again after it was recorded (a registry keeps its status): nothing new to record.
  if (!decided || entry.approvals.some((approval) => approval.by === decided.by)) return undefined;
  const input: ApproveInput = {
    ...waiting,
    by: decided.by,
    reason: decided.reason || `${decided.raw} in ${provider.name}`,
  };
  return { input, approve: decided.decision === 'approved' };
}
