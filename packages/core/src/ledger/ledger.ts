import type { LedgerState } from '../state/types.js';
import type { StageSigners } from './approval-signature.js';
import type { LedgerCheckpoint } from './checkpoint.js';
import type { LedgerProblem } from './errors.js';
import type { LedgerEvent, LedgerEventInput, LedgerHead } from './events.js';

export interface AppendOptions {
  /** The head the caller's decision was based on; the append fails with `conflict` if it moved. */
  expectedHead: LedgerHead;
}

export type AppendResult =
  | { ok: true; events: LedgerEvent[]; head: LedgerHead }
  | { ok: false; conflict: true; head: LedgerHead };

export interface LedgerVerifyOptions {
  /** Ed25519 public key (PEM) every batch must be signed with. */
  publicKey?: string;
  /** A checkpoint the ledger must still contain (see `checkpoint.ts`). */
  checkpoint?: LedgerCheckpoint;
  /**
   * The allowed_signers of stages whose approvals must be signed (`approvalSignersFor`); signatures
   * that are present are checked with or without it.
   */
  approvalSigners?: (model: string, stage: string) => StageSigners | undefined;
}

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
  /**
   * Re-checks every event's hash, the chain links and the snapshot against a full replay; with a
   * public key also every batch's signature, with a checkpoint that the ledger still holds its event.
   */
  verify(options?: LedgerVerifyOptions): Promise<LedgerVerifyResult>;
}
