// Checks and builders every decision shares. Pure: they read the state they are given.
import { NotFoundError } from '../../contract/errors.js';
import type { EventData, LedgerEventInput, LedgerEventType } from '../../ledger/events.js';
import type { LedgerState, ModelVersion, StageEntry, StageState } from '../../state/types.js';
import { RaceLostError } from '../errors.js';
import type { PromotionOutcome, PromotionResult } from '../types.js';

export interface Where {
  model: string;
  stage: string;
  version: string;
}

/** The registered version, or a NotFoundError naming the versions there are. */
export function lookup(state: LedgerState, model: string, version: string): ModelVersion {
  const found = state.models[model]?.versions[version];
  if (found) return found;
  const known = Object.keys(state.models[model]?.versions ?? {});
  throw new NotFoundError(
    state.models[model]
      ? `model ${model} has no version ${version}; known versions: ${known.join(', ')}`
      : `model ${model} is not registered; register a version first`,
    { details: { model, version } },
  );
}

export function stageOf(state: LedgerState, model: string, stage: string): StageState | undefined {
  return state.models[model]?.stages[stage];
}

/** Another version of the model deploying to the stage right now, if any. */
export function deployingOther(stage: StageState | undefined, version: string): StageEntry | undefined {
  return Object.values(stage?.entries ?? {}).find(
    (entry) => entry.status === 'deploying' && entry.version !== version,
  );
}

/** One deploy per stage at a time: a call that would start a second one loses the race. */
export function assertNoOtherDeploy(stage: StageState | undefined, where: Where, hint: string): void {
  const other = deployingOther(stage, where.version);
  if (other)
    throw new RaceLostError(`${where.model} ${other.version} is deploying to ${where.stage}${hint}`, {
      details: { ...where, deploying: other.version },
    });
}

/** The result of a call about `where`, with the entry's gates and approvals. */
export function resultFor(
  where: Where,
  outcome: PromotionOutcome,
  entry: StageEntry | undefined,
  extra: Partial<PromotionResult> = {},
): PromotionResult {
  return {
    outcome,
    model: where.model,
    stage: where.stage,
    version: where.version,
    gates: entry?.gates ?? [],
    ...(entry && entry.approvalsRequired > 0
      ? { approvals: { required: entry.approvalsRequired, granted: entry.approvals.map((a) => a.by) } }
      : {}),
    ...extra,
  };
}

interface EventFields {
  model: string;
  version?: string;
  stage?: string;
  by?: string;
  idempotencyKey?: string | undefined;
}

/** A typed event input: `data` must match the type's payload schema. */
export function eventOf<T extends LedgerEventType>(
  type: T,
  at: string,
  fields: EventFields,
  data: EventData<T>,
): LedgerEventInput {
  const { idempotencyKey, ...rest } = fields;
  return { type, at, ...rest, ...(idempotencyKey ? { idempotencyKey } : {}), data } as LedgerEventInput;
}
