// The promotion history as a fold over the ledger: each event, with the state the reducer made of
// it, opens or extends one record per (model, stage, version) attempt. Pure: the builder owns the
// records it mutates, and `promotionHistory` is a plain function of the events.

import type { MappedStatus, ProviderRefs } from '../contract/provider.js';
import { isKnownEvent, type KnownLedgerEvent, type LedgerEvent } from '../ledger/events.js';
import { createReplayer } from '../state/reducer.js';
import { emptyState, type GateReport, type LedgerState, type VersionStageStatus } from '../state/types.js';

export interface ApprovalDecision {
  decision: 'granted' | 'rejected';
  by: string;
  at: string;
  seq: number;
  reason?: string;
  /** Key id of the signature on the ledger batch holding the decision; absent when unsigned. */
  signedBy?: string;
  /** The approver's own SSH signature over the approval: its key fingerprint (`SHA256:…`). */
  approverKey?: string;
}

/** One attempt to put a version into a stage: a promotion, or a rollback/redeploy of a version. */
export interface PromotionRecord {
  model: string;
  stage: string;
  version: string;
  /** How it arrived: `promote`, or a deploy of an earlier champion (`rollback`) or of the same one (`redeploy`). */
  kind: 'promotion' | 'rollback' | 'redeploy';
  seq: number;
  at: string;
  requestedBy?: string;
  gates: GateReport[];
  approvalsRequired: number;
  approvers?: string[];
  decisions: ApprovalDecision[];
  /** Where the attempt stands (or ended): `deployed`, `rejected`, `failed`, `pending-approval`… */
  outcome: VersionStageStatus;
  replaced?: string | null;
  deployedAt?: string;
  deployedSeq?: number;
  endpoint?: string;
  refs?: ProviderRefs;
  deployStatus?: MappedStatus;
  error?: { code: string; message: string };
}

export interface HistoryLog {
  records: PromotionRecord[];
  /** `model␀stage␀version` → index in records of the attempt still in flight. */
  open: Record<string, number>;
}

export const emptyHistoryLog = (): HistoryLog => ({ records: [], open: {} });

const closed = new Set<VersionStageStatus>(['deployed', 'failed', 'rejected']);

/** Folds events into a history log; `add` takes each event with the state after it. */
export function createHistoryBuilder(start: HistoryLog = emptyHistoryLog()) {
  // Records are copied when first touched, so the caller's `start` is never changed.
  const log: HistoryLog = { records: [...start.records], open: { ...start.open } };
  const owned = new Set<number>();
  const own = (index: number): PromotionRecord => {
    if (!owned.has(index)) {
      const record = log.records[index]!;
      log.records[index] = { ...record, gates: [...record.gates], decisions: [...record.decisions] };
      owned.add(index);
    }
    return log.records[index]!;
  };
  return {
    log,
    add(stored: LedgerEvent, after: LedgerState, signedBy?: string): void {
      if (!isKnownEvent(stored)) return;
      const event = stored as KnownLedgerEvent;
      if (event.type === 'version.registered') return;
      const { model, stage, version } = event;
      if (!stage || !version) return;
      const key = `${model}\u0000${stage}\u0000${version}`;
      let index = log.open[key];
      if (event.type === 'promotion.requested' || index === undefined) {
        const rollback = event.type === 'deploy.started' && event.data.rollback === true;
        log.records.push({
          model,
          stage,
          version,
          kind: event.type === 'promotion.requested' ? 'promotion' : rollback ? 'rollback' : 'redeploy',
          seq: event.seq,
          at: event.at,
          ...(event.by && event.type === 'promotion.requested' ? { requestedBy: event.by } : {}),
          gates: [],
          approvalsRequired: 0,
          decisions: [],
          outcome: 'candidate',
        });
        index = log.records.length - 1;
        log.open[key] = index;
        owned.add(index);
      }
      const record = own(index);
      switch (event.type) {
        case 'gates.evaluated':
          record.gates = event.data.gates;
          record.approvalsRequired = event.data.approvalsRequired ?? 0;
          if (event.data.approvers) record.approvers = event.data.approvers;
          break;
        case 'approval.granted':
        case 'approval.rejected':
          record.decisions.push({
            decision: event.type === 'approval.granted' ? 'granted' : 'rejected',
            by: event.by ?? 'unknown',
            at: event.at,
            seq: event.seq,
            ...(event.data.reason ? { reason: event.data.reason } : {}),
            ...(signedBy ? { signedBy } : {}),
            ...(event.type === 'approval.granted' && event.data.signature
              ? { approverKey: event.data.signature.key ?? 'SSH signature' }
              : {}),
          });
          break;
        case 'deploy.started':
          record.replaced = event.data.replaces ?? null;
          break;
        case 'deploy.succeeded':
          record.deployedAt = event.at;
          record.deployedSeq = event.seq;
          if (event.data.endpoint) record.endpoint = event.data.endpoint;
          record.refs = event.data.refs ?? {};
          if (event.data.status) record.deployStatus = event.data.status;
          break;
        case 'deploy.failed':
          record.error = { code: event.data.error.code, message: event.data.error.message };
          break;
      }
      record.outcome = after.models[model]?.stages[stage]?.entries[version]?.status ?? record.outcome;
      if (closed.has(record.outcome)) delete log.open[key];
    },
  };
}

/** The promotion history of a whole ledger (every model, every stage), oldest first. */
export function promotionHistory(events: readonly LedgerEvent[]): { log: HistoryLog; state: LedgerState } {
  const builder = createHistoryBuilder();
  const replayer = createReplayer(emptyState);
  for (const event of events) {
    replayer.apply(event);
    builder.add(event, replayer.state);
  }
  return { log: builder.log, state: replayer.state };
}

/** One champion's time in a stage. */
export interface Tenure {
  version: string;
  from: string;
  fromSeq: number;
  /** When the next champion took over; null while it still serves. */
  to: string | null;
  toSeq: number | null;
  arrival: PromotionRecord['kind'];
  requestedBy?: string;
  approvedBy: string[];
  gates: GateReport[];
  /** e.g. `3/3 gates passed` or `2/3 gates passed (failed: metric mse)`. */
  gateSummary: string;
  endpoint?: string;
}

/** The gates a version passed to get in; approvals are listed apart (`approvedBy`), so not counted here. */
export function gateSummary(all: readonly GateReport[]): string {
  const gates = all.filter((gate) => gate.kind !== 'approvals');
  if (gates.length === 0) return 'no gates';
  const passed = gates.filter((gate) => gate.verdict === 'pass').length;
  const other = gates.filter((gate) => gate.verdict !== 'pass').map((gate) => gate.name);
  return `${passed}/${gates.length} gates passed${other.length ? ` (not passed: ${other.join(', ')})` : ''}`;
}

/** Each champion of `model` in `stage`, in order; a redeploy of the serving champion extends its tenure. */
export function stageTenures(log: HistoryLog, model: string, stage: string): Tenure[] {
  const tenures: Tenure[] = [];
  const served = log.records
    .filter((r) => r.model === model && r.stage === stage && r.deployedSeq !== undefined)
    .sort((a, b) => a.deployedSeq! - b.deployedSeq!);
  for (const record of served) {
    const previous = tenures[tenures.length - 1];
    if (previous && previous.version === record.version) continue;
    if (previous) {
      previous.to = record.deployedAt!;
      previous.toSeq = record.deployedSeq!;
    }
    tenures.push({
      version: record.version,
      from: record.deployedAt!,
      fromSeq: record.deployedSeq!,
      to: null,
      toSeq: null,
      arrival: record.kind,
      ...(record.requestedBy ? { requestedBy: record.requestedBy } : {}),
      approvedBy: record.decisions.filter((d) => d.decision === 'granted').map((d) => d.by),
      gates: record.gates,
      gateSummary: gateSummary(record.gates),
      ...(record.endpoint ? { endpoint: record.endpoint } : {}),
    });
  }
  return tenures;
}
