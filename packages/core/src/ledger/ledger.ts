import type { LedgerState } from '../state/types.js';
import type { LedgerProblem } from './errors.js';
import type { LedgerEvent, LedgerEventInput, LedgerHead } from './events.js';

export interface AppendOptions {
  /** The head the caller's decision was based on; the append fails with `conflict` if it moved. */
  expectedHead: LedgerHead;
}

export type AppendResult =
  | { ok: true; events: LedgerEvent[]; head: LedgerHead }
  | { ok: false; conflict: true; head: LedgerHead };

export interface LedgerVerifyResult {
  ok: boolean;
  /** Number of events checked. */
  events: number;
  head: LedgerHead;
  problems: LedgerProblem[];
}

export interface LoadedState {
  state: LedgerState;
  head: LedgerHead;
}

/**
 * The source of truth: an append-only, hash-chained list of events. Appends are all-or-nothing
 * and conditional on the head the caller read, so two writers can never both extend the same head.
 */
export interface Ledger {
  readonly kind: 'file' | 's3' | 'memory';
  /** Appends a batch atomically if the head is still `expectedHead`. */
  append(inputs: readonly LedgerEventInput[], options: AppendOptions): Promise<AppendResult>;
  /** Events in order, from `fromSeq` (default 1). */
  read(options?: { fromSeq?: number }): Promise<LedgerEvent[]>;
  /** The current state: the latest snapshot plus the events after it. */
  load(): Promise<LoadedState>;
  /** Re-checks every event's hash, the chain links and the snapshot against a full replay. */
  verify(): Promise<LedgerVerifyResult>;
}
