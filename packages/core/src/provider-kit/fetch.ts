// fetch rejects with a bare "fetch failed" when a platform cannot be reached, which names neither
// the call nor the address. Every provider that speaks HTTP goes through this once, so the error
// says which operation, which URL (never its query or credentials) and why.
import { AbortedError, ErrorCode, ProviderError } from '../contract/errors.js';

export interface ProviderFetchOptions {
  /** The provider's name, for the error's `provider`. */
  provider: string;
  /** The call, as errors name it: `list builds`, `create project`. */
  operation: string;
  /** What lives at the URL, for the message: `the Algorithmia API`. */
  service?: string;
  /** What to check, appended to the message (default: the address and the network). */
  hint?: string;
  /** Default the global fetch. */
  fetch?: typeof globalThis.fetch;
}

/** `url` as it may appear in a message: scheme, host and path; no user info, query or fragment. */
export function safeUrl(url: string | URL): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return String(url).replace(/[?#].*$/, '');
  }
}

/** Why a fetch failed, from undici's cause (`connect ECONNREFUSED 127.0.0.1:9`, `getaddrinfo ENOTFOUND x`). */
function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.message ?? cause?.code ?? (error as Error).message ?? String(error);
}

/**
 * `fetch(url, init)`, with a failure to reach the server turned into a retryable ProviderError
 * naming the operation and the URL. HTTP error statuses are returned as usual; an abort of
 * `init.signal` (other than a timeout) is an AbortedError.
 */
export async function providerFetch(
  url: string | URL,
  init: RequestInit,
  options: ProviderFetchOptions,
): Promise<Response> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  try {
    return await fetchImpl(url, init);
  } catch (error) {
    const signal = init.signal;
    const timedOut =
      (error as { name?: string }).name === 'TimeoutError' ||
      (signal?.reason as { name?: string } | undefined)?.name === 'TimeoutError';
    if (signal?.aborted && !timedOut) throw new AbortedError(options.operation, { cause: signal.reason });
    const where = safeUrl(url);
    // fetch quotes the whole URL in some messages (one with credentials, say): never repeat it.
    const why = timedOut
      ? 'no answer in time'
      : reason(error)
          .split(String(url))
          .join(where)
          .replace(/\/\/[^/\s@]+@/g, '//');
    const causeCode = (error as { cause?: { code?: unknown } }).cause?.code;
    throw new ProviderError(
      `${options.operation}: cannot reach ${options.service ? `${options.service} at ` : ''}${where} (${why}); ${options.hint ?? 'check the address and the network'}`,
      {
        provider: options.provider,
        operation: options.operation,
        code: ErrorCode.Provider,
        isRetryable: true,
        cause: error,
        ...(typeof causeCode === 'string' ? { rawCode: causeCode } : {}),
        details: { url: where },
      },
    );
  }
}
