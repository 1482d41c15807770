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
