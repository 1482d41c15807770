import type { LedgerState } from '../state/types.js';
import type { StageBoard, StageView } from './types.js';

const challenging = new Set(['candidate', 'pending-approval', 'approved', 'deploying']);

/** What is where for one model: champions, challengers and pending approvals per stage. */
export function stageBoard(state: LedgerState, model: string, stages: readonly string[]): StageBoard {
  const modelState = state.models[model];
  const names = [
    ...stages,
    ...Object.keys(modelState?.stages ?? {}).filter((name) => !stages.includes(name)),
  ];
  const views: StageView[] = names.map((name) => {
    const stage = modelState?.stages[name];
    const entries = Object.values(stage?.entries ?? {});
    const championEntry = stage?.champion ? stage.entries[stage.champion] : undefined;
    const championVersion = stage?.champion ? modelState?.versions[stage.champion] : undefined;
    return {
      name,
      champion:
        stage?.champion && championEntry
          ? {
              version: stage.champion,
              metrics: championVersion?.metrics ?? {},
              deployedAt: championEntry.deployedAt,
              endpoint: championEntry.endpoint,
              refs: championEntry.refs ?? {},
              since: championEntry.since,
            }
          : null,
      challengers: entries
        .filter((entry) => challenging.has(entry.status))
        .map(({ version, status, since, gates }) => ({ version, status, since, gates })),
      pendingApprovals: entries
        .filter((entry) => entry.status === 'pending-approval')
        .map((entry) => ({
          version: entry.version,
          required: entry.approvalsRequired,
          granted: entry.approvals.map((approval) => approval.by),
          approvers: entry.approvers ?? [],
        })),
      history: stage?.championHistory ?? [],
    };
  });
  const versions = Object.values(modelState?.versions ?? {}).sort((a, b) => a.number - b.number);
  return { model, stages: views, versions, seq: state.seq };
}
