import { ErrorCode, ModelshipError, type ModelshipErrorOptions } from '../contract/errors.js';

/** A version cannot move from its current status in a stage to the one asked for. */
export class IllegalTransitionError extends ModelshipError {
  readonly from: string;
  readonly to: string;
  readonly allowed: readonly string[];

  constructor(
    subject: string,
    from: string,
    to: string,
    allowed: readonly string[],
    options?: ModelshipErrorOptions,
  ) {
    const next = allowed.length ? allowed.join(', ') : 'nothing (terminal)';
    super(
      ErrorCode.IllegalTransition,
      `${subject} is ${from} and cannot become ${to}; allowed next: ${next}`,
      {
        ...options,
        details: { ...options?.details, from, to, allowed },
      },
    );
    this.name = 'IllegalTransitionError';
    this.from = from;
    this.to = to;
    this.allowed = allowed;
  }
}

/** One or more gates refused a version; `gates` holds every report with inputs and verdict. */
export class GateFailedError extends ModelshipError {
  readonly gates: readonly unknown[];

  constructor(message: string, gates: readonly unknown[], options?: ModelshipErrorOptions) {
    super(ErrorCode.GateFailed, message, { ...options, details: { ...options?.details, gates } });
    this.name = 'GateFailedError';
    this.gates = gates;
  }
}

/** Another promoter changed the same stage first; nothing of this call was recorded. */
export class RaceLostError extends ModelshipError {
  constructor(message: string, options?: ModelshipErrorOptions) {
    super(ErrorCode.RaceLost, message, options);
    this.name = 'RaceLostError';
  }
}

/** The version needs (more) approvals before it may be deployed to the stage. */
export class ApprovalRequiredError extends ModelshipError {
  constructor(message: string, options?: ModelshipErrorOptions) {
    super(ErrorCode.ApprovalRequired, message, options);
    this.name = 'ApprovalRequiredError';
  }
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

/** The configuration file does not match the schema; the message names the key path. */
export class ConfigInvalidError extends ModelshipError {
  constructor(message: string, options?: ModelshipErrorOptions) {
    super(ErrorCode.ConfigInvalid, message, options);
    this.name = 'ConfigInvalidError';
  }
}

/** A user may not do what they asked (e.g. approve without being an allowed approver). */
export class NotAllowedError extends ModelshipError {
  constructor(message: string, options?: ModelshipErrorOptions) {
    super(ErrorCode.InvalidInput, message, options);
    this.name = 'NotAllowedError';
  }
}

export interface LedgerProblem {
  /** Sequence number of the event (or the file) concerned. */
  seq: number;
  id?: string;
  kind:
    | 'edited'
    | 'missing'
    | 'reordered'
    | 'unreadable'
    | 'snapshot-mismatch'
    | 'invalid'
    /** With a public key: a batch without a signature, or one that does not verify. */
    | 'unsigned'
    | 'forged'
    /** With a checkpoint: the ledger no longer holds the checkpointed event (truncated or forked). */
    | 'truncated';
  message: string;
}
