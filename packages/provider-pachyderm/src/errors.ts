import {
  AbortedError,
  type CommandResult,
  ErrorCode,
  type ModelshipError,
  ProviderError,
} from '@modelship/core';

// pachctl prints gRPC errors as `rpc error: code = <Code> desc = <text>`; pachd's own errors
// (`repo x not found`, `branch y already exists`) come through as the desc text.
const rules: Array<{ pattern: RegExp; code: ErrorCode; hint: string }> = [
  {
    pattern: /Unauthenticated|no authentication token|auth token|not authorized|PermissionDenied/i,
    code: ErrorCode.AuthFailed,
    hint: 'check the auth token (settings.authToken or PACHYDERM_AUTH_TOKEN) and that it may act on this repo',
  },
  {
    pattern: /ResourceExhausted|Unavailable|connection refused|deadline exceeded|too many requests/i,
    code: ErrorCode.Throttled,
    hint: 'pachd is busy or unreachable; retry, and check PACHD_ADDRESS / the pachctl context',
  },
  { pattern: /not found|NotFound|does not exist/i, code: ErrorCode.NotFound, hint: 'check the name or id' },
  { pattern: /already exists|AlreadyExists/i, code: ErrorCode.Conflict, hint: 'it exists already' },
  {
    pattern: /InvalidArgument|invalid|unknown flag|unknown command|must supply|cannot parse|unable to parse/i,
    code: ErrorCode.InvalidInput,
    hint: 'pachctl rejected the arguments; check the pachctl version (modelship needs v2.x, metadata needs ≥ 2.10)',
  },
];

function firstLine(text: string): string {
  return text.trim().split(/\r?\n/).find(Boolean) ?? '';
}

/** Turns a failed pachctl call into a ModelshipError that names what failed and what to do. */
export function mapPachctlFailure(
  result: CommandResult,
  operation: string,
  redact: (text: string) => string,
): ModelshipError {
  if (result.aborted) return new AbortedError(operation);
  const details = { command: result.command, exitCode: result.exitCode };
  if (result.timedOut) {
    return new ProviderError(`${operation}: pachctl did not answer in time (${result.command})`, {
      provider: 'pachyderm',
      operation,
      code: ErrorCode.Timeout,
      isRetryable: true,
      details,
    });
  }
  const stderr = redact(result.stderr.trim() || result.stdout.trim());
  if (result.exitCode === undefined) {
    return new ProviderError(
      `${operation}: could not run pachctl (${result.command})${stderr ? `: ${firstLine(stderr)}` : ''}; install pachctl v2.x or set settings.pachctl / PACHCTL to its path`,
      { provider: 'pachyderm', operation, code: ErrorCode.CommandFailed, details },
    );
  }
  const rule = rules.find((candidate) => candidate.pattern.test(stderr));
  const said = firstLine(stderr) || `exit code ${result.exitCode}`;
  return new ProviderError(
    `${operation}: pachctl said "${said}" (${result.command}); ${rule?.hint ?? 'see the pachctl output above'}`,
    {
      provider: 'pachyderm',
      operation,
      code: rule?.code ?? ErrorCode.Provider,
      rawCode: result.exitCode,
      details: { ...details, stderr: stderr.slice(-2000) },
    },
  );
}
