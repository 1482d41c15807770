import type { ProviderRefs } from '../../contract/provider.js';
import type { LedgerEventInput } from '../../ledger/events.js';
import type { GateReport } from '../../state/types.js';

/**
 * What a deploy needs once `deploy.started` is durable, so nothing reloads the ledger to find it:
 * the refs of the version and of the champion it replaces, and the key the provider is called with.
 */
export interface DeployTicket {
  model: string;
  version: string;
  stage: string;
  /** The version's refs (immutable after registration). */
  refs: ProviderRefs;
  replaces: string | null;
  /** Refs of the replaced champion's deployment, handed to the provider as `previous`. */
  previousRefs: ProviderRefs;
  rollback: boolean;
  gates: GateReport[];
  /** Idempotency key of the call, stored on the events it appends. */
  key: string | undefined;
  /** Idempotency key handed to the provider's deploy; stored in deploy.started so reconcile reuses it. */
  deployKey: string;
  /** Everyone whose approval completed the stage's approvals, when that is what started the deploy. */
  approval?: { by: string; reason?: string };
}

/**
 * A decision: return a result without writing, or append events (and then return `result`, or
 * hand `ticket` to the deploy saga). Decisions are pure: `(state, input, now) → Decision`.
 */
export type Decision<R> =
  | { kind: 'return'; result: R }
  | { kind: 'append'; events: LedgerEventInput[]; result: R; ticket?: undefined }
  | { kind: 'append'; events: LedgerEventInput[]; ticket: DeployTicket; result?: undefined };

export const returning = <R>(result: R): Decision<R> => ({ kind: 'return', result });
