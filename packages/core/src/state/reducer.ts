// The pure heart of promotion: (state, event) → state. No I/O, no clock; throws on an event that
// the state does not allow, which is how the promoter validates a batch before appending it.
// An event is first turned into a Change (what it sets, read from the state without touching it),
// then applied: by copying the path it touches (`reduce`, which keeps every earlier state intact)
// or in place on a state only the caller holds (`createReplayer`, `replay`). Copying a path copies
// maps that grow with the ledger (idempotency keys, versions, entries), so replaying a history
// with `reduce` costs the square of its length; in place it costs its length.
import { ErrorCode, InvalidInputError, ModelshipError } from '../contract/errors.js';
import { type ForeignLedgerEvent, isKnownEvent, type LedgerEventInput } from '../ledger/events.js';
import { assertTransition } from './transitions.js';
import type {
  IdempotencyRecord,
  LedgerState,
  ModelState,
  ModelVersion,
  StageEntry,
  StageState,
  VersionStageStatus,
} from './types.js';

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

/** What one event sets; everything else stays as it was. */
interface Change {
  seq: number;
  hash: string | null;
  idempotency?: { key: string; record: IdempotencyRecord };
  model: string;
  /** version.registered: the version to add (and the model, if new). */
  version?: ModelVersion;
  /** Any other known event: the stage's changed entries, and the version that became champion. */
  stage?: { name: string; entries: Record<string, StageEntry>; newChampion?: string };
}

/** Reads what `event` changes in `state`; throws (changing nothing) on an event the state does not allow. */
function planChange(state: LedgerState, event: Reducible): Change {
  const change: Change = {
    seq: event.seq ?? state.seq + 1,
    hash: event.hash ?? state.hash,
    model: event.model,
  };
  if (event.idempotencyKey) {
    const previous = state.idempotency[event.idempotencyKey];
    change.idempotency = {
      key: event.idempotencyKey,
      record: {
        operation: previous?.operation ?? String(event.data.operation ?? event.type),
        seq: previous?.seq ?? change.seq,
        ...(previous?.result !== undefined ? { result: previous.result } : {}),
        ...('result' in event.data ? { result: event.data.result } : {}),
      },
    };
  }

  // An event type a later modelship added: it stays in the chain, this reader skips it (SPEC.md).
  if (!isKnownEvent(event)) return change;
  const model = state.models[event.model];
  if (event.type === 'version.registered') {
    const id = need(event.version, 'version');
    if (model?.versions[id]) {
      throw new ModelshipError(ErrorCode.Conflict, `model ${event.model} already has a version ${id}`);
    }
    change.version = { ...event.data.record, id };
    return change;
  }

  const version = need(event.version, 'version');
  const stageName = need(event.stage, 'stage');
  if (!model?.versions[version]) {
    throw new ModelshipError(ErrorCode.NotFound, `model ${event.model} has no version ${version}`);
  }
  const stage = model.stages[stageName] ?? emptyStage(stageName);
  const entries: Record<string, StageEntry> = {};
  const current = stage.entries[version];
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
  let newChampion: string | undefined;

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
      const busy = Object.values(stage.entries).find(
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
      const replaced = stage.champion;
      entries[version] = move('deployed', {
        deployedAt: event.at,
        endpoint: event.data.endpoint,
        refs: event.data.refs ?? {},
        deployStatus: event.data.status,
        replaces: undefined,
      });
      if (replaced && replaced !== version) {
        const old = stage.entries[replaced];
        if (old) {
          const to: VersionStageStatus = rollback ? 'rolled-back' : 'archived';
          assertTransition(`${event.model} ${replaced} in ${stageName}`, old.status, to);
          entries[replaced] = { ...old, status: to, since: event.at };
        }
      }
      newChampion = version;
      break;
    }
    case 'deploy.failed':
      entries[version] = move('failed', {
        error: { code: event.data.error.code, message: event.data.error.message },
        replaces: undefined,
      });
      break;
  }
  change.stage = { name: stageName, entries, ...(newChampion ? { newChampion } : {}) };
  return change;
}

/** A new state with `change` applied: only the path it touches is copied. */
function applyByCopy(state: LedgerState, change: Change): LedgerState {
  const models = { ...state.models };
  const next: LedgerState = { seq: change.seq, hash: change.hash, models, idempotency: state.idempotency };
  if (change.idempotency) {
    next.idempotency = { ...state.idempotency, [change.idempotency.key]: change.idempotency.record };
  }
  const model = models[change.model];
  if (change.version) {
    const base = model ?? { name: change.model, versions: {}, stages: {} };
    models[change.model] = { ...base, versions: { ...base.versions, [change.version.id]: change.version } };
  } else if (change.stage && model) {
    const { name, entries, newChampion } = change.stage;
    const stage = model.stages[name] ?? emptyStage(name);
    const champion = newChampion ?? stage.champion;
    const championHistory = newChampion ? [...stage.championHistory, newChampion] : stage.championHistory;
    const stages = {
      ...model.stages,
      [name]: { ...stage, entries: { ...stage.entries, ...entries }, champion, championHistory },
    };
    models[change.model] = { ...model, stages };
  }
  return next;
}

/** Applies `change` to `state` itself, which must be one only the caller holds (see ownCopy). */
function applyInPlace(state: LedgerState, change: Change): void {
  state.seq = change.seq;
  state.hash = change.hash;
  if (change.idempotency) state.idempotency[change.idempotency.key] = change.idempotency.record;
  if (change.version) {
    const model = state.models[change.model] ?? { name: change.model, versions: {}, stages: {} };
    state.models[change.model] = model;
    model.versions[change.version.id] = change.version;
  } else if (change.stage) {
    const model = state.models[change.model]!;
    const { name, entries, newChampion } = change.stage;
    const stage = model.stages[name] ?? emptyStage(name);
    model.stages[name] = stage;
    Object.assign(stage.entries, entries);
    if (newChampion) {
      stage.champion = newChampion;
      stage.championHistory.push(newChampion);
    }
  }
}

/**
 * A copy of `state` whose maps and arrays are its own, so applyInPlace may change them; the
 * entries, versions and records in them are shared, as nothing ever changes one in place.
 */
function ownCopy(state: LedgerState): LedgerState {
  const models: Record<string, ModelState> = {};
  for (const [name, model] of Object.entries(state.models)) {
    const stages: Record<string, StageState> = {};
    for (const [stageName, stage] of Object.entries(model.stages)) {
      stages[stageName] = {
        ...stage,
        entries: { ...stage.entries },
        championHistory: [...stage.championHistory],
      };
    }
    models[name] = { ...model, versions: { ...model.versions }, stages };
  }
  return { ...state, models, idempotency: { ...state.idempotency } };
}

/** Applies one event; returns a new state and never mutates the input. */
export function reduce(state: LedgerState, event: Reducible): LedgerState {
  return applyByCopy(state, planChange(state, event));
}

/**
 * Replays events one by one in time linear in their number. `state` is the replayer's own and
 * changes with every `apply`: read it between applies, and keep `snapshot()` where a state must
 * outlive the next one. An event the state does not allow throws and leaves `state` as it was.
 */
export interface Replayer {
  readonly state: LedgerState;
  apply(event: Reducible): void;
  snapshot(): LedgerState;
}

export function createReplayer(from: LedgerState): Replayer {
  const state = ownCopy(from);
  return {
    state,
    apply: (event) => applyInPlace(state, planChange(state, event)),
    snapshot: () => ownCopy(state),
  };
}

/** The state after `events`, from `from` (left untouched). */
export function replay(events: readonly Reducible[], from: LedgerState): LedgerState {
  const replayer = createReplayer(from);
  for (const event of events) replayer.apply(event);
  return replayer.state;
}
