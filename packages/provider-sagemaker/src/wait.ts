// Polls until a terminal state with capped exponential backoff; abortable and time-limited.
import { AbortedError, ErrorCode, ModelshipError, type ProviderContext } from '@modelship/core';

export interface WaitOptions<T> {
  what: string;
  poll: () => Promise<T>;
  done: (value: T) => boolean;
  intervalMs: number;
  maxIntervalMs: number;
  timeoutMs: number;
  describe?: (value: T) => string;
  /** Called when `describe` changes between polls (e.g. an endpoint going Creating → InService). */
  onChange?: (value: T) => void;
}

export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Next interval: doubles, never above the cap. Pure, exported for tests. */
export function nextInterval(current: number, cap: number): number {
  return Math.min(cap, Math.max(1, current * 2));
}

export async function waitUntil<T>(options: WaitOptions<T>, context: ProviderContext): Promise<T> {
  const started = Date.now();
  let interval = options.intervalMs;
  let last: string | undefined;
  for (let attempt = 1; ; attempt += 1) {
    if (context.signal.aborted)
      throw new AbortedError(`waiting for ${options.what}`, { cause: context.signal.reason });
    const value = await options.poll();
    const elapsed = Date.now() - started;
    const now = options.describe?.(value);
    if (now !== last) options.onChange?.(value);
    last = now;
    context.progress({
      task: `wait ${options.what}`,
      done: Math.round(elapsed / 1000),
      total: Math.round(options.timeoutMs / 1000),
      unit: 'seconds',
      finished: options.done(value),
    });
    if (options.done(value)) return value;
    if (elapsed + interval > options.timeoutMs)
      throw new ModelshipError(
        ErrorCode.Timeout,
        `${options.what} did not finish within ${Math.round(options.timeoutMs / 1000)} s (last: ${options.describe?.(value) ?? 'unknown'}); raise waitTimeoutMs (CLI --wait-timeout-ms) or check it in the SageMaker console`,
        { isRetryable: true, details: { attempts: attempt } },
      );
    context.logger.debug(
      `${options.what}: ${options.describe?.(value) ?? 'waiting'}; next poll in ${interval} ms`,
    );
    try {
      await delay(interval, context.signal);
    } catch (reason) {
      throw new AbortedError(`waiting for ${options.what}`, { cause: reason });
    }
    interval = nextInterval(interval, options.maxIntervalMs);
  }
}
