const marker = Symbol.for('modelship.error');

/** Every error modelship throws carries one of these codes; match on `code`, not on the class. */
export const ErrorCode = {
  InvalidInput: 'invalid_input',
  ConfigInvalid: 'config_invalid',
  NotFound: 'not_found',
  Conflict: 'conflict',
  RaceLost: 'race_lost',
  IllegalTransition: 'illegal_transition',
  GateFailed: 'gate_failed',
  ApprovalRequired: 'approval_required',
  /** The caller may not do this (not an allowed approver, or approving their own request). */
  NotAllowed: 'not_allowed',
  Provider: 'provider_error',
  Throttled: 'throttled',
  AuthFailed: 'auth_failed',
  Timeout: 'timeout',
  Aborted: 'aborted',
  CommandFailed: 'command_failed',
  Integrity: 'integrity',
  LedgerCorrupt: 'ledger_corrupt',
  Unsupported: 'unsupported',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ModelshipErrorOptions {
  cause?: unknown;
  isRetryable?: boolean;
  /** Machine-readable context (never secrets): ids, paths, states. */
  details?: Record<string, unknown>;
}

export class ModelshipError extends Error {
  readonly code: ErrorCode;
  readonly isRetryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: ModelshipErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelshipError';
    Object.defineProperty(this, marker, { value: true });
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
    this.details = options.details ?? {};
  }

  /** True for modelship errors, even when thrown by another copy of this package. */
  static isInstance(error: unknown): error is ModelshipError {
    return typeof error === 'object' && error !== null && marker in error;
  }

  static hasCode(error: unknown, code: ErrorCode): error is ModelshipError {
    return ModelshipError.isInstance(error) && error.code === code;
  }
}

/**
 * The base of an error that is only its code, its name and a message, so each such class is one line:
 * `export class NotFoundError extends codedError(ErrorCode.NotFound, 'NotFoundError') {}`.
 */
export function codedError(code: ErrorCode, name: string) {
  return class extends ModelshipError {
    constructor(message: string, options?: ModelshipErrorOptions) {
      super(code, message, options);
      this.name = name;
    }
  };
}

export class InvalidInputError extends codedError(ErrorCode.InvalidInput, 'InvalidInputError') {}

export class NotFoundError extends codedError(ErrorCode.NotFound, 'NotFoundError') {}

export class AbortedError extends ModelshipError {
  constructor(operation: string, options?: ModelshipErrorOptions) {
    super(ErrorCode.Aborted, `${operation} was aborted`, options);
    this.name = 'AbortedError';
  }
}

export class UnsupportedError extends ModelshipError {
  constructor(provider: string, feature: string) {
    super(ErrorCode.Unsupported, `provider "${provider}" does not support ${feature}`, {
      details: { provider, feature },
    });
    this.name = 'UnsupportedError';
  }
}

export interface ProviderErrorOptions extends ModelshipErrorOptions {
  provider: string;
  operation: string;
  /** The platform's own error code or HTTP status, kept for debugging. */
  rawCode?: string | number;
  code?: ErrorCode;
}

/** A platform call failed; `code` says how (throttled, auth, not found, …), `rawCode` what the platform said. */
export class ProviderError extends ModelshipError {
  readonly provider: string;
  readonly operation: string;
  readonly rawCode: string | number | undefined;

  constructor(message: string, options: ProviderErrorOptions) {
    super(options.code ?? ErrorCode.Provider, message, {
      ...options,
      isRetryable: options.isRetryable ?? options.code === ErrorCode.Throttled,
      details: {
        ...options.details,
        provider: options.provider,
        operation: options.operation,
        rawCode: options.rawCode,
      },
    });
    this.name = 'ProviderError';
    this.provider = options.provider;
    this.operation = options.operation;
    this.rawCode = options.rawCode;
  }
}

export class CommandFailedError extends ModelshipError {
  readonly exitCode: number | undefined;

  /** `command` must already be redacted: it is shown to users. */
  constructor(
    command: string,
    exitCode: number | undefined,
    stderrTail: string,
    options?: ModelshipErrorOptions,
  ) {
    const tail = stderrTail.trim() ? `\n${stderrTail.trim()}` : '';
    super(ErrorCode.CommandFailed, `command failed with exit code ${exitCode ?? 'none'}: ${command}${tail}`, {
      ...options,
      details: { ...options?.details, command, exitCode },
    });
    this.name = 'CommandFailedError';
    this.exitCode = exitCode;
  }
}

export function throwIfAborted(signal: AbortSignal | undefined, operation: string): void {
  if (signal?.aborted) throw new AbortedError(operation, { cause: signal.reason });
}
