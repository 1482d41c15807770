// The one loop around the decisions: load head → decide → append if the head is unchanged → on a
// conflict reload and decide again (the decision itself throws RaceLostError when what it depends
// on moved). A retried call's recorded result short-circuits here, and every event passes through
// the redactor here, once.
import type { LedgerEvent, LedgerEventInput } from '../ledger/events.js';
import type { Ledger, LoadedState } from '../ledger/ledger.js';
import { replay } from '../state/reducer.js';
import type { DeployRunner, LedgerState } from '../state/types.js';
import type { Decision, DeployTicket } from './decisions/types.js';
import { RaceLostError } from './errors.js';

const MAX_ATTEMPTS = 50;

export interface CommitContext {
  readonly ledger: Ledger;
  readonly context: { redact: (text: string) => string };
  /** This process, stamped on `deploy.started` so a later call can tell a crashed deploy (stale-deploy.ts). */
  readonly runner?: DeployRunner;
  emit(events: readonly LedgerEvent[]): void;
}

export interface CommitOperation<R> {
  /** The call's idempotency key; a function when it depends on the state (e.g. the version deployed). */
  key?: string | ((state: LedgerState) => string | undefined);
  decide(state: LedgerState, attempt: number): Decision<R> | Promise<Decision<R>>;
}

export interface Committed<R> {
  result?: R;
  ticket?: DeployTicket;
  /** The state after this call's events (or as loaded, when it appended none) and its head. */
  loaded: LoadedState;
}

/** Secrets never reach the ledger. */
function sanitize(redact: (text: string) => string, events: LedgerEventInput[]): LedgerEventInput[] {
  return JSON.parse(redact(JSON.stringify(events))) as LedgerEventInput[];
}

/** Who runs a deploy is a fact of this process, not of the decision: added here, not decided. */
function stamped(events: LedgerEventInput[], runner: DeployRunner | undefined): LedgerEventInput[] {
  if (!runner) return events;
  return events.map((event) =>
    event.type === 'deploy.started' ? { ...event, data: { ...event.data, runner: { ...runner } } } : event,
  );
}

/**
 * Decides and appends. `from` is a state this call already holds (the previous commit's): the first
 * attempt decides on it without reading the ledger, and a stale one only costs a conflict.
 */
export async function commit<R>(
  context: CommitContext,
  operation: CommitOperation<R>,
  from?: LoadedState,
): Promise<Committed<R>> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const loaded = attempt === 0 && from ? from : await context.ledger.load();
    const key = typeof operation.key === 'function' ? operation.key(loaded.state) : operation.key;
    const recorded = key ? loaded.state.idempotency[key]?.result : undefined;
    if (recorded) return { result: recorded as R, loaded };
    const decision = await operation.decide(loaded.state, attempt);
    if (decision.kind === 'return') return { result: decision.result, loaded };
    const events = stamped(sanitize(context.context.redact, decision.events), context.runner);
    const appended = await context.ledger.append(events, { expectedHead: loaded.head });
    if (appended.ok) {
      context.emit(appended.events);
      const state = replay(appended.events, loaded.state);
      const after = { state, head: appended.head };
      return decision.ticket
        ? { ticket: decision.ticket, loaded: after }
        : { result: decision.result, loaded: after };
    }
    if (attempt === 0 && from) continue; // a state held from before: reload without waiting
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * 2 ** attempt)));
  }
  throw new RaceLostError(
    `gave up after ${MAX_ATTEMPTS} attempts: the ledger kept changing under this call`,
    {
      isRetryable: true,
    },
  );
}
