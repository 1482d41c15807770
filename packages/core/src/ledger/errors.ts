import { ErrorCode, ModelshipError, type ModelshipErrorOptions } from '../contract/errors.js';

export interface LedgerProblem {
  /** Sequence number of the event (or the file) concerned. */
  seq: number;
  id?: string;
  kind: 'edited' | 'missing' | 'reordered' | 'unreadable' | 'snapshot-mismatch' | 'invalid';
  message: string;
}

/** The ledger's hash chain is broken: an event was edited, removed or reordered. */
export class LedgerIntegrityError extends ModelshipError {
  readonly problems: readonly LedgerProblem[];

  constructor(message: string, problems: readonly LedgerProblem[], options?: ModelshipErrorOptions) {
    super(ErrorCode.LedgerCorrupt, message, { ...options, details: { ...options?.details, problems } });
    this.name = 'LedgerIntegrityError';
    this.problems = problems;
  }
}
