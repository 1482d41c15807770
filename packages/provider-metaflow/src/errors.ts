// Metaflow's failures as modelship errors: a failed Python command, the metadata service (unreachable,
// or its answer to a tag change) and S3 (upload), each with the code a caller can act on.
import {
  CommandFailedError,
  type CommandResult,
  ErrorCode,
  InvalidInputError,
  type ModelshipError,
  NotFoundError,
  ProviderError,
} from '@modelship/core';
import type { MetadataService } from './metadata-service.js';

/** The last lines of stderr without Metaflow's banner, for error messages. */
export function stderrTail(result: CommandResult, lines = 12): string {
  return (result.stderr || result.stdout)
    .split(/\r?\n/)
    .filter((line) => line.trim() && !/^Metaflow \d|^Project: /.test(line))
    .slice(-lines)
    .join('\n');
}

/** A failed flow or helper command: `not_found` when Metaflow says the run is missing. */
export function commandFailed(result: CommandResult, operation: string): never {
  const tail = stderrTail(result);
  if (/No run\b.*\bfound|No such run|not found/i.test(tail))
    throw new NotFoundError(`${operation}: ${tail.split('\n').pop()?.trim()}`, {
      details: { command: result.command },
    });
  throw new CommandFailedError(result.command, result.exitCode, tail, { details: { operation } });
}

export function unreachable(service: MetadataService, operation: string, error: unknown): ProviderError {
  const timedOut = (error as { name?: string }).name === 'TimeoutError';
  const why = timedOut
    ? `no answer within ${service.timeoutMs} ms`
    : String(
        (error as { cause?: { code?: string; message?: string } }).cause?.code ??
          (error as { cause?: { message?: string } }).cause?.message ??
          (error as Error).message,
      );
  return new ProviderError(
    `${operation}: cannot reach the Metaflow metadata service at ${service.url} (${why}; timeout ${service.timeoutMs} ms): check METAFLOW_SERVICE_URL and the network`,
    { provider: 'metaflow', operation, code: ErrorCode.Provider, isRetryable: true, cause: error },
  );
}

/**
 * The metadata service's answer to `tag/mutate` when it is not ok: an error to throw, or undefined
 * when the call should be retried (409 conflicts, throttling and 5xx, until the last attempt).
 */
export function tagServiceError(
  operation: string,
  pathspec: string,
  status: number,
  text: string,
  attempt: { made: number; max: number },
): ModelshipError | undefined {
  if (status === 400 || status === 422)
    return new InvalidInputError(
      `${operation}: the metadata service rejected the tags (${status}): ${text}`,
      {
        details: { rawCode: status },
      },
    );
  if (status === 404) return new NotFoundError(`${operation}: the metadata service has no run ${pathspec}`);
  if (status === 401 || status === 403)
    return new ProviderError(
      `${operation}: the metadata service refused the credentials (${status}); check METAFLOW_SERVICE_AUTH_KEY or METAFLOW_SERVICE_HEADERS`,
      { provider: 'metaflow', operation, rawCode: status, code: ErrorCode.AuthFailed },
    );
  const retryable = status === 409 || status === 429 || status >= 500;
  if (retryable && attempt.made < attempt.max) return undefined;
  return new ProviderError(
    status === 409
      ? `${operation}: gave up after ${attempt.made} conflicting updates from other processes; retry later`
      : `${operation}: the metadata service answered ${status}: ${text}`,
    {
      provider: 'metaflow',
      operation,
      rawCode: status,
      code: status === 409 ? ErrorCode.Conflict : status === 429 ? ErrorCode.Throttled : ErrorCode.Provider,
      isRetryable: retryable,
    },
  );
}

/** S3 failures as ModelshipErrors with the right code. */
export function mapS3Error(error: unknown, operation: string, where: string): ModelshipError {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; message?: string };
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  if (name === 'NoSuchBucket' || name === 'NotFound' || status === 404)
    return new NotFoundError(
      `${operation}: ${where} does not exist (${name}); create the bucket or fix s3Root`,
      {
        cause: error,
      },
    );
  const code =
    name === 'AccessDenied' ||
    name === 'InvalidAccessKeyId' ||
    name === 'SignatureDoesNotMatch' ||
    status === 403
      ? ErrorCode.AuthFailed
      : name === 'SlowDown' || name === 'Throttling' || status === 503 || status === 429
        ? ErrorCode.Throttled
        : ErrorCode.Provider;
  return new ProviderError(`${operation}: S3 said ${name} for ${where}: ${e.message ?? ''}`.trim(), {
    provider: 'metaflow',
    operation,
    rawCode: name,
    code,
    cause: error,
  });
}
