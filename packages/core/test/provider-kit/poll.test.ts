import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ErrorCode, ModelshipError } from '../../src/contract/errors.js';
import { delay, nextInterval, pollUntil } from '../../src/provider-kit/index.js';

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as ModelshipError,
  );

describe('delay', () => {
  it('leaves no abort listener behind, however many waits share one signal', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 200; i += 1) await delay(0, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('an abort during a long wait rejects at once with an aborted error naming the operation', async () => {
    const controller = new AbortController();
    const waiting = failure(delay(3_600_000, controller.signal, 'waiting for build 7'));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort(new Error('user stop'));
    const error = await waiting;
    expect(ModelshipError.hasCode(error, ErrorCode.Aborted)).toBe(true);
    expect(error?.message).toBe('waiting for build 7 was aborted');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('an already aborted signal rejects before waiting', async () => {
    const error = await failure(delay(3_600_000, AbortSignal.abort(), 'train'));
    expect(error?.code).toBe(ErrorCode.Aborted);
  });
});

describe('pollUntil', () => {
  it('a long poll keeps no abort listener between rounds and returns the value', async () => {
    const controller = new AbortController();
    let polls = 0;
    const listeners: number[] = [];
    const value = await pollUntil({
      what: 'job 1',
      interval: 0,
      timeout: 60_000,
      signal: controller.signal,
      check: async () => {
        listeners.push(getEventListeners(controller.signal, 'abort').length);
        polls += 1;
        return polls === 500 ? { done: true, value: 'finished' } : { done: false };
      },
    });
    expect(value).toBe('finished');
    expect(Math.max(...listeners)).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('times out with a retryable error naming what, the limit, the last state and the hint', async () => {
    let clock = 0;
    const error = await failure(
      pollUntil({
        what: 'endpoint prod',
        interval: 1,
        timeout: 5_000,
        now: () => (clock += 1_000),
        hint: 'raise waitTimeoutMs',
        check: async () => ({ done: false, describe: 'Creating' }),
      }),
    );
    expect(error?.code).toBe(ErrorCode.Timeout);
    expect(error?.isRetryable).toBe(true);
    expect(error?.message).toBe(
      'endpoint prod did not finish within 5 s (last: Creating); raise waitTimeoutMs',
    );
  });

  it('backs off by doubling up to maxInterval and reports progress after each unfinished poll', async () => {
    const seen: Array<{ polls: number; describe?: string }> = [];
    let polls = 0;
    await pollUntil({
      what: 'run',
      interval: 1,
      maxInterval: 4,
      timeout: 60_000,
      onProgress: ({ polls: n, describe }) => seen.push({ polls: n, describe }),
      check: async () =>
        ++polls === 3 ? { done: true, value: 1 } : { done: false, describe: `poll ${polls}` },
    });
    expect(seen).toEqual([
      { polls: 1, describe: 'poll 1' },
      { polls: 2, describe: 'poll 2' },
    ]);
    expect([1, 2, 4, 8].map((n) => nextInterval(n, 4))).toEqual([2, 4, 4, 4]);
  });

  it('an abort between polls stops the wait with an aborted error', async () => {
    const controller = new AbortController();
    const error = await failure(
      pollUntil({
        what: 'workflow w-1',
        interval: 3_600_000,
        timeout: 7_200_000,
        signal: controller.signal,
        check: async () => {
          setImmediate(() => controller.abort());
          return { done: false };
        },
      }),
    );
    expect(error?.code).toBe(ErrorCode.Aborted);
    expect(error?.message).toContain('workflow w-1');
  });
});
