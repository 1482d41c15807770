// Waiting, once for every provider: `delay` and `pollUntil` sit on node:timers/promises, whose
// timers remove their abort listener when they settle, so a long poll adds no listener per round.
import { setTimeout as sleep } from 'node:timers/promises';
import { AbortedError, ErrorCode, ModelshipError } from '../contract/errors.js';

/** Waits `ms`; rejects with AbortedError (naming `operation`) as soon as `signal` aborts. */
export async function delay(ms: number, signal?: AbortSignal, operation = 'wait'): Promise<void> {
  if (signal?.aborted) throw new AbortedError(operation, { cause: signal.reason });
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined);
  } catch (error) {
    if (signal?.aborted) throw new AbortedError(operation, { cause: signal.reason });
    throw error;
  }
}

/** One poll's verdict: `done` ends the wait with `value`; otherwise `describe` says where it stands. */
export type PollResult<T> = { done: true; value: T } | { done: false; describe?: string };

export interface PollOptions<T> {
  /** What is waited for, as errors and progress name it: `training job housing-42`. */
  what: string;
  check: () => Promise<PollResult<T>>;
  /** First wait between polls, in ms. */
  interval: number;
  /** Each wait doubles up to this; default `interval` (a fixed rate). */
  maxInterval?: number;
  /** Overall limit in ms; a poll that would start after it throws a retryable Timeout error. */
  timeout: number;
  signal?: AbortSignal;
  /** After every unfinished poll: how many polls so far, the time waited and the last description. */
  onProgress?: (progress: { polls: number; elapsedMs: number; describe?: string }) => void;
  /** Appended to the timeout message: what the user can do (`raise waitTimeoutMs`, `check the console`). */
  hint?: string;
  /** Clock for tests; default Date.now. */
  now?: () => number;
}

/** Next wait: doubles, never above the cap. */
export function nextInterval(current: number, cap: number): number {
  return Math.min(cap, Math.max(1, current * 2));
}

/** Polls `check` until it reports done; bounded by `timeout`, stopped by `signal`. */
export async function pollUntil<T>(options: PollOptions<T>): Promise<T> {
  const now = options.now ?? Date.now;
  const started = now();
  const cap = Math.max(options.interval, options.maxInterval ?? options.interval);
  let interval = options.interval;
  for (let polls = 1; ; polls += 1) {
    if (options.signal?.aborted)
      throw new AbortedError(`waiting for ${options.what}`, { cause: options.signal.reason });
    const result = await options.check();
    if (result.done) return result.value;
    const elapsedMs = now() - started;
    options.onProgress?.({ polls, elapsedMs, describe: result.describe });
    if (elapsedMs + interval > options.timeout)
      throw new ModelshipError(
        ErrorCode.Timeout,
        `${options.what} did not finish within ${formatMs(options.timeout)} (last: ${result.describe ?? 'unfinished'})${options.hint ? `; ${options.hint}` : ''}`,
        { isRetryable: true, details: { polls, elapsedMs } },
      );
    await delay(interval, options.signal, `waiting for ${options.what}`);
    interval = nextInterval(interval, cap);
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
