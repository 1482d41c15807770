/** The exit codes every modelship command uses; documented in `--help` and the README. */
export const exitCodes = {
  /** Done. */
  ok: 0,
  /** A gate said no, or an operation failed. */
  failed: 1,
  /** Bad input or usage. */
  usage: 2,
  /** Lost a concurrent race, or the stage is still deploying; nothing was recorded, a retry can succeed. */
  raceLost: 3,
  /** Waiting for approval. */
  pendingApproval: 4,
  /** The acting user may not do this (not an allowed approver, or approving their own request). */
  notAllowed: 5,
} as const;
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

export const exitCodeHelp = `Exit codes:
  0  done
  1  a gate said no, or an operation failed
  2  bad input or usage
  3  lost a concurrent race, or the stage is still deploying (nothing recorded; a retry can succeed)
  4  waiting for approval
  5  not allowed (not an allowed approver, or approving your own request)`;

/** Wrong command line: unknown flag, missing argument. Always exit 2. */
export class UsageError extends Error {
  readonly code = 'usage';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const usageCodes = new Set([
  'usage',
  'invalid_input',
  'config_invalid',
  'not_found',
  'illegal_transition',
  'unsupported',
]);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Maps any thrown value to an exit code by its `code` (checked by value, so duplicated packages agree). */
export function exitCodeFor(error: unknown): ExitCode {
  const code = errorCode(error);
  if (code === undefined) return exitCodes.failed;
  if (code === 'race_lost') return exitCodes.raceLost;
  if (code === 'approval_required') return exitCodes.pendingApproval;
  if (code === 'not_allowed') return exitCodes.notAllowed;
  if (usageCodes.has(code) || code.startsWith('ERR_PARSE_ARGS')) return exitCodes.usage;
  // @modelship/manifest: integrity failures are 1, malformed manifests and bad options 2.
  if (code.startsWith('MANIFEST_') && !/AGGREGATE|SIGNATURE/.test(code)) return exitCodes.usage;
  return exitCodes.failed;
}

export function describeError(error: unknown): { code: string; message: string; details?: unknown } {
  const code = errorCode(error) ?? 'error';
  const message = error instanceof Error ? error.message : String(error);
  const details = (error as { details?: unknown } | null)?.details;
  return details && typeof details === 'object' && Object.keys(details).length > 0
    ? { code, message, details }
    : { code, message };
}
