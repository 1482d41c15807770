// AWS errors → ProviderError with a modelship code. The SDK's error `name` is the service's error
// code; SageMaker reports most missing resources as a ValidationException "Could not find …".
import { AbortedError, ErrorCode, ModelshipError, ProviderError } from '@modelship/core';

const throttled = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'ProvisionedThroughputExceededException',
]);
const auth = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'CredentialsProviderError',
]);
const notFound = new Set(['ResourceNotFound', 'NoSuchKey', 'NoSuchBucket', 'NotFound', 'NoSuchUpload']);
const missingMessage = /could not find|does not exist|not found/i;

export interface AwsErrorShape {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

/** The modelship code for an AWS error name, HTTP status and message (pure; exported for tests). */
export function errorCodeForAws(name: string, status: number | undefined, message: string): ErrorCode {
  if (throttled.has(name) || status === 429) return ErrorCode.Throttled;
  if (auth.has(name) || status === 401 || status === 403) return ErrorCode.AuthFailed;
  if (notFound.has(name) || status === 404) return ErrorCode.NotFound;
  if (name === 'ValidationException' && missingMessage.test(message)) return ErrorCode.NotFound;
  if (name === 'ResourceInUse' || name === 'ConflictException') return ErrorCode.Conflict;
  if (name === 'ValidationException' || name === 'ResourceLimitExceeded' || status === 400)
    return ErrorCode.InvalidInput;
  return ErrorCode.Provider;
}

const hints: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.Throttled]: 'AWS throttled the request; retry later (modelship marks this retryable)',
  [ErrorCode.AuthFailed]:
    'check the credentials and that the role may call this API (in GitHub Actions: the OIDC role assumption)',
  [ErrorCode.NotFound]: 'check the name/ARN, region and account',
  [ErrorCode.InvalidInput]: 'fix the request named above',
};

/**
 * Wraps anything thrown by an AWS call: `operation` is the API (e.g. `CreateEndpoint`), `subject`
 * what it was about (e.g. `endpoint churn-staging`). ModelshipErrors pass through unchanged.
 */
export function mapAwsError(error: unknown, operation: string, subject: string): ModelshipError {
  if (ModelshipError.isInstance(error)) return error;
  const e = (error ?? {}) as AwsErrorShape;
  if (e.name === 'AbortError') return new AbortedError(`${operation} of ${subject}`, { cause: error });
  const name = e.name ?? e.Code ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const message = String(e.message ?? error).split('\n')[0] ?? '';
  const code = e.$retryable?.throttling ? ErrorCode.Throttled : errorCodeForAws(name, status, message);
  const detail = message && message !== 'UnknownError' ? `: ${message}` : '';
  const hint = hints[code];
  return new ProviderError(
    `sagemaker ${operation} failed for ${subject} (${name}${status ? ` ${status}` : ''})${detail}${hint ? `; ${hint}` : ''}`,
    {
      provider: 'sagemaker',
      operation,
      rawCode: name,
      code,
      cause: error,
      details: { subject, httpStatus: status },
    },
  );
}

/** Runs one AWS call and maps its failure. */
export async function aws<T>(operation: string, subject: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw mapAwsError(error, operation, subject);
  }
}

export function isNotFound(error: unknown): boolean {
  return ModelshipError.hasCode(error, ErrorCode.NotFound);
}

/** What `call` resolves to, or undefined when the thing it describes does not exist. */
export async function ifExists<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
