// Errors the promotion layer throws; the layers below it keep their own (ledger/errors.ts,
// state/errors.ts, config/errors.ts), so nothing below promotion/ imports from here.
import { codedError, ErrorCode, ModelshipError, type ModelshipErrorOptions } from '../contract/errors.js';

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
export class RaceLostError extends codedError(ErrorCode.RaceLost, 'RaceLostError') {}

/** The version needs (more) approvals before it may be deployed to the stage. */
export class ApprovalRequiredError extends codedError(ErrorCode.ApprovalRequired, 'ApprovalRequiredError') {}

/** A user may not do what they asked (e.g. approve without being an allowed approver). */
export class NotAllowedError extends codedError(ErrorCode.NotAllowed, 'NotAllowedError') {}
