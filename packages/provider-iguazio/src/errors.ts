import { ErrorCode, ProviderError } from '@modelship/core';

/** FastAPI puts the reason in `detail`, MLRun often as `{ reason }` inside it. */
export function detailOf(body: unknown): string {
  if (body && typeof body === 'object' && 'detail' in body) {
    const detail = (body as { detail: unknown }).detail;
    if (typeof detail === 'string') return detail;
    if (detail && typeof detail === 'object' && 'reason' in detail) {
      // log_and_raise(reason=…, error=…) keeps the cause beside a generic reason ("Workflow failed").
      const { reason, error } = detail as { reason: unknown; error?: unknown };
      return error ? `${String(reason)}: ${String(error)}` : String(reason);
    }
    return JSON.stringify(detail);
  }
  return typeof body === 'string' ? body.slice(0, 500) : '';
}

/** Maps an HTTP status of the MLRun API to the modelship error code that says what to do about it. */
export function errorCodeForStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return ErrorCode.AuthFailed;
  if (status === 404) return ErrorCode.NotFound;
  if (status === 409) return ErrorCode.Conflict;
  if (status === 400 || status === 422) return ErrorCode.InvalidInput;
  if (status === 429 || status === 503) return ErrorCode.Throttled;
  return ErrorCode.Provider;
}

const advice: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.AuthFailed]:
    'check the access key (--access-key or V3IO_ACCESS_KEY) and its permissions on the project',
  [ErrorCode.NotFound]: 'check the project, artifact key, tag or function name',
  [ErrorCode.Throttled]: 'the API is busy; retry later',
  [ErrorCode.InvalidInput]: 'fix the request as the API says',
};

export function mlrunError(operation: string, what: string, status: number, body: unknown): ProviderError {
  const code = errorCodeForStatus(status);
  const detail = detailOf(body);
  const hint = advice[code] ? `; ${advice[code]}` : '';
  return new ProviderError(
    `${operation}: MLRun answered ${status} for ${what}${detail ? ` (${detail})` : ''}${hint}`,
    {
      provider: 'iguazio',
      operation,
      rawCode: status,
      code,
      isRetryable: code === ErrorCode.Throttled || status >= 500,
      details: { what },
    },
  );
}
