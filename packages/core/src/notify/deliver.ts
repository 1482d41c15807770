import { ErrorCode, ModelshipError } from '../contract/errors.js';

export interface DeliveryOptions {
  fetch?: typeof fetch;
  /** Attempts after the first on 429, 5xx and network errors (default 4). */
  retries?: number;
  baseDelayMs?: number;
  /** Cap of the exponential backoff, also of a server's Retry-After (default 5000 ms). */
  maxDelayMs?: number;
  /** Per-attempt timeout (default 10000 ms). */
  timeoutMs?: number;
}

export interface DeliveryRequest {
  /** Used in error messages instead of the URL, which may itself be a secret. */
  target: string;
  url: string;
  headers: (attempt: number) => Record<string, string>;
  body: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function backoffDelay(attempt: number, options: DeliveryOptions, retryAfter?: string | null): number {
  const cap = options.maxDelayMs ?? 5_000;
  const seconds = retryAfter ? Number(retryAfter) : Number.NaN;
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(cap, seconds * 1000);
  const exponential = (options.baseDelayMs ?? 250) * 2 ** attempt;
  return Math.min(cap, exponential * (0.5 + Math.random() / 2));
}

/** POSTs with retries on 429/5xx/network errors and capped exponential backoff; returns the attempts made. */
export async function deliver(request: DeliveryRequest, options: DeliveryOptions): Promise<number> {
  const doFetch = options.fetch ?? fetch;
  const retries = options.retries ?? 4;
  let lastProblem = '';
  for (let attempt = 0; attempt <= retries; attempt += 1) {
    let retryAfter: string | null = null;
    try {
      const response = await doFetch(request.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'modelship',
          ...request.headers(attempt),
        },
        body: request.body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return attempt + 1;
      lastProblem = `HTTP ${response.status}`;
      if (response.status !== 429 && response.status < 500) {
        throw new ModelshipError(
          ErrorCode.Provider,
          `${request.target} refused the notification: ${lastProblem}`,
          { details: { status: response.status } },
        );
      }
      retryAfter = response.headers.get('retry-after');
    } catch (error) {
      if (ModelshipError.isInstance(error)) throw error;
      lastProblem =
        (error as Error).name === 'TimeoutError' ? 'timed out' : `network error (${(error as Error).name})`;
    }
    if (attempt < retries) await sleep(backoffDelay(attempt, options, retryAfter));
  }
  throw new ModelshipError(
    ErrorCode.Provider,
    `${request.target} failed after ${retries + 1} attempts: ${lastProblem}`,
    { isRetryable: true },
  );
}

/** `deploy.*` matches every deploy event; no list means every event. */
export function wantsEvent(patterns: readonly string[] | undefined, type: string): boolean {
  if (!patterns) return true;
  return patterns.some(
    (pattern) => pattern === type || (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1))),
  );
}
