// Rolling a stage back to its most recent earlier champion that is still restorable (archived).
import { InvalidInputError } from '../../contract/errors.js';
import type { LedgerState } from '../../state/types.js';
import type { PromotionResult } from '../types.js';
import { startDeploy } from './deploy.js';
import { assertNoOtherDeploy, stageOf } from './guards.js';
import type { Decision } from './types.js';

export interface RollbackDecisionInput {
  model: string;
  stage: string;
  by: string;
  key: string | undefined;
}

export function decideRollback(
  state: LedgerState,
  input: RollbackDecisionInput,
  now: string,
): Decision<PromotionResult> {
  const stage = stageOf(state, input.model, input.stage);
  const champion = stage?.champion;
  if (!stage || !champion)
    throw new InvalidInputError(
      `${input.model} has no champion in ${input.stage}; there is nothing to roll back`,
    );
  const target = [...stage.championHistory]
    .reverse()
    .find((v) => v !== champion && stage.entries[v]?.status === 'archived');
  if (!target)
    throw new InvalidInputError(
      `${input.model} ${input.stage} has no earlier champion to roll back to (history: ${stage.championHistory.join(' → ')})`,
    );
  const where = { model: input.model, stage: input.stage, version: target };
  assertNoOtherDeploy(stage, where, ' right now');
  return startDeploy(state, where, { by: input.by, key: input.key, gates: [], rollback: true }, now);
}
