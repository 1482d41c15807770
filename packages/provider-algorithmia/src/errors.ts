import { ErrorCode, ProviderError } from '@modelship/core';

/** Maps an Algorithmia HTTP status onto a modelship error code (throttling and 5xx are retryable). */
export function errorCodeForStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return ErrorCode.AuthFailed;
  if (status === 404) return ErrorCode.NotFound;
  if (status === 409) return ErrorCode.Conflict;
  if (status === 429) return ErrorCode.Throttled;
  if (status === 400 || status === 422) return ErrorCode.InvalidInput;
  return ErrorCode.Provider;
}

const hints: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.AuthFailed]: 'check the API key (ALGORITHMIA_API_KEY) and that it may access this resource',
  [ErrorCode.NotFound]: 'check the username, algorithm name and data path',
  [ErrorCode.Throttled]: 'the API is rate limiting; retry later',
};

export function algorithmiaError(
  operation: string,
  target: string,
  status: number,
  message: string,
  cause?: unknown,
): ProviderError {
  const code = errorCodeForStatus(status);
  const hint = hints[code] ? `; ${hints[code]}` : '';
  return new ProviderError(`Algorithmia ${operation} ${target} failed (HTTP ${status}): ${message}${hint}`, {
    provider: 'algorithmia',
    operation,
    rawCode: status,
    code,
    isRetryable: code === ErrorCode.Throttled || status >= 500,
    cause,
    details: { target },
  });
}
