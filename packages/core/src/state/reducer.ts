// The pure heart of promotion: (state, event) → state. No I/O, no clock; throws on an event that
// the state does not allow, which is how the promoter validates a batch before appending it.
import { ErrorCode, InvalidInputError, ModelshipError } from '../contract/errors.js';
import { type ForeignLedgerEvent, isKnownEvent, type LedgerEventInput } from '../ledger/events.js';
import { assertTransition } from './transitions.js';
import type { LedgerState, ModelState, StageEntry, StageState, VersionStageStatus } from './types.js';

/** An event to apply: a stored one, or one about to be appended (no seq/hash yet). */
type Reducible = (LedgerEventInput & { seq?: number; hash?: string }) | ForeignLedgerEvent;

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new InvalidInputError(`event is missing ${what}`);
  return value;
}

function emptyStage(name: string): StageState {
  return { name, champion: null, championHistory: [], entries: {} };
}

export function entryStatus(
  model: ModelState | undefined,
  stage: string,
  version: string,
): VersionStageStatus {
  return model?.stages[stage]?.entries[version]?.status ?? 'registered';
}

/** Applies one event; returns a new state and never mutates the input. */
export function reduce(state: LedgerState, event: Reducible): LedgerState {
  const models = { ...state.models };
  let model = models[event.model];
  const next: LedgerState = {
    seq: event.seq ?? state.seq + 1,
    hash: event.hash ?? state.hash,
    models,
    idempotency: state.idempotency,
  };
  if (event.idempotencyKey) {
    const previous = next.idempotency[event.idempotencyKey];
    next.idempotency = {
      ...next.idempotency,
      [event.idempotencyKey]: {
        operation: previous?.operation ?? String(event.data.operation ?? event.type),
        seq: previous?.seq ?? next.seq,
        ...(previous?.result !== undefined ? { result: previous.result } : {}),
        ...('result' in event.data ? { result: event.data.result } : {}),
      },
    };
  }

  // An event type a later modelship added: it stays in the chain, this reader skips it (SPEC.md).
  if (!isKnownEvent(event)) return next;
  if (event.type === 'version.registered') {
    const record = event.data.record;
    const id = need(event.version, 'version');
    if (model?.versions[id]) {
      throw new ModelshipError(ErrorCode.Conflict, `model ${event.model} already has a version ${id}`);
    }
    model = model ?? { name: event.model, versions: {}, stages: {} };
    models[event.model] = { ...model, versions: { ...model.versions, [id]: { ...record, id } } };
    return next;
  }

  const version = need(event.version, 'version');
  const stageName = need(event.stage, 'stage');
  if (!model?.versions[version]) {
    throw new ModelshipError(ErrorCode.NotFound, `model ${event.model} has no version ${version}`);
  }
  const stage = model.stages[stageName] ?? emptyStage(stageName);
  const entries = { ...stage.entries };
  const stages = { ...model.stages };
  const current = entries[version];
  const from = current?.status ?? 'registered';
  const subject = `${event.model} ${version} in ${stageName}`;
  const move = (to: VersionStageStatus, patch: Partial<StageEntry> = {}): StageEntry => {
    if (to !== from) assertTransition(subject, from, to);
    const base: StageEntry = current ?? {
      version,
      status: from,
      since: event.at,
      approvalsRequired: 0,
      approvals: [],
      gates: [],
    };
    return { ...base, ...patch, status: to, since: to === from ? base.since : event.at };
  };
  let champion = stage.champion;
  let championHistory = stage.championHistory;

  switch (event.type) {
    case 'promotion.requested':
      entries[version] = move('candidate', {
        requestedBy: event.by,
        approvals: [],
        gates: [],
        approvalsRequired: 0,
        error: undefined,
      });
      break;
    case 'gates.evaluated': {
      const passed = event.data.passed;
      const approvalsRequired = event.data.approvalsRequired ?? 0;
      entries[version] = move(
        passed ? (approvalsRequired > 0 ? 'pending-approval' : 'approved') : 'rejected',
        {
          gates: event.data.gates,
          approvalsRequired,
          approvers: event.data.approvers,
        },
      );
      break;
    }
    case 'approval.granted': {
      if (from !== 'pending-approval') assertTransition(subject, from, 'approved');
      const approvals = [
        ...(current?.approvals ?? []),
        {
          by: event.by ?? 'unknown',
          at: event.at,
          ...(event.data.reason ? { reason: event.data.reason } : {}),
        },
      ];
      const done = approvals.length >= (current?.approvalsRequired ?? 0);
      entries[version] = move(done ? 'approved' : 'pending-approval', { approvals });
      break;
    }
    case 'approval.rejected':
      entries[version] = move('rejected', {
        error: { code: 'rejected', message: event.data.reason ?? `rejected by ${event.by}` },
      });
      break;
    case 'deploy.started': {
      const busy = Object.values(entries).find(
        (other) => other.status === 'deploying' && other.version !== version,
      );
      if (busy) {
        throw new ModelshipError(
          ErrorCode.Conflict,
          `${event.model} ${busy.version} is already deploying to ${stageName}; one deploy per stage at a time`,
        );
      }
      entries[version] = move('deploying', {
        replaces: event.data.replaces ?? null,
        rollback: event.data.rollback === true,
        ...(event.data.deployKey !== undefined ? { deployKey: event.data.deployKey } : {}),
        runner: event.data.runner,
        error: undefined,
      });
      break;
    }
    case 'deploy.succeeded': {
      const rollback = current?.rollback === true;
      const replaced = champion;
      entries[version] = move('deployed', {
        deployedAt: event.at,
        endpoint: event.data.endpoint,
        refs: event.data.refs ?? {},
        deployStatus: event.data.status,
        replaces: undefined,
      });
      if (replaced && replaced !== version) {
        const old = entries[replaced];
        if (old) {
          const to: VersionStageStatus = rollback ? 'rolled-back' : 'archived';
          assertTransition(`${event.model} ${replaced} in ${stageName}`, old.status, to);
          entries[replaced] = { ...old, status: to, since: event.at };
        }
      }
      champion = version;
      championHistory = [...championHistory, version];
      break;
    }
    case 'deploy.failed':
      entries[version] = move('failed', {
        error: { code: event.data.error.code, message: event.data.error.message },
        replaces: undefined,
      });
      break;
  }
  stages[stageName] = { ...stage, entries, champion, championHistory };
  models[event.model] = { ...model, stages };
  return next;
}

export function replay(events: readonly Reducible[], from: LedgerState): LedgerState {
  let state = from;
  for (const event of events) state = reduce(state, event);
  return state;
}
