// The build of a pushed commit: wait for it (its logs when it fails), then call it with the test cases.
import { setTimeout as delay } from 'node:timers/promises';
import { ErrorCode, ModelshipError } from '@modelship/core';
import type { AlgorithmBuild, AlgorithmiaDeps } from './client.js';
import type { AlgorithmTestCase } from './settings.js';

/** Polls the builds list for the build of `commit` until it succeeds or fails (with its logs). */
export async function waitForBuild(deps: AlgorithmiaDeps, commit: string): Promise<AlgorithmBuild> {
  const timeoutMs = deps.settings.buildTimeoutMs ?? 600_000;
  const interval = deps.settings.pollIntervalMs ?? 2_000;
  const deadline = Date.now() + timeoutMs;
  let last: AlgorithmBuild | undefined;
  for (;;) {
    const builds = await deps.api.builds(deps.context.signal);
    last = builds.find((build) => build.commit_sha === commit);
    if (last?.status === 'succeeded') return last;
    if (last?.status === 'failed') {
      const logs = await deps.api
        .buildLogs(last.build_id, deps.context.signal)
        .catch(() => '(logs unavailable)');
      throw new ModelshipError(
        ErrorCode.Provider,
        `Algorithmia build ${last.build_id} of commit ${commit} failed; fix the algorithm code and deploy again. Build log:\n${deps.context.redact(logs).slice(-3000)}`,
        { details: { buildId: last.build_id, commit } },
      );
    }
    if (Date.now() >= deadline) {
      throw new ModelshipError(
        ErrorCode.Timeout,
        `no finished Algorithmia build for commit ${commit} after ${timeoutMs} ms (last state: ${last?.status ?? 'no build seen'}); check the algorithm's builds, or POST /compile`,
        { isRetryable: true, details: { commit } },
      );
    }
    deps.context.progress({
      task: `wait build of ${commit.slice(0, 12)}`,
      done: Math.round((timeoutMs - (deadline - Date.now())) / 1000),
      total: Math.round(timeoutMs / 1000),
      unit: 'seconds',
    });
    // timers/promises removes its abort listener when the timer fires: no listener per poll.
    await delay(interval, undefined, { signal: deps.context.signal }).catch(() => {
      throw new ModelshipError(ErrorCode.Aborted, 'waiting for the Algorithmia build was aborted');
    });
  }
}

export function outputsMatch(expected: unknown, actual: unknown, tolerance: number): boolean {
  if (typeof expected === 'number' && typeof actual === 'number')
    return Math.abs(expected - actual) <= tolerance;
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => outputsMatch(item, actual[i], tolerance))
    );
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const keys = Object.keys(expected);
    return (
      keys.length === Object.keys(actual).length &&
      keys.every((key) =>
        outputsMatch(
          (expected as Record<string, unknown>)[key],
          (actual as Record<string, unknown>)[key],
          tolerance,
        ),
      )
    );
  }
  return expected === actual;
}

/** Calls the built commit with each test case; the first mismatch fails the deploy. */
export async function runTestCases(
  deps: AlgorithmiaDeps,
  commit: string,
  cases: AlgorithmTestCase[],
): Promise<number> {
  for (const [index, testCase] of cases.entries()) {
    const actual = await deps.api.call(commit, testCase.input, deps.context.signal);
    if (!outputsMatch(testCase.expected, actual, testCase.tolerance ?? 0)) {
      throw new ModelshipError(
        ErrorCode.GateFailed,
        `test case ${index} against ${deps.resolved.username}/${deps.resolved.algoName}/${commit} failed: ` +
          `expected ${JSON.stringify(testCase.expected)}, got ${JSON.stringify(actual)}; nothing was published`,
        { details: { index, commit } },
      );
    }
  }
  return cases.length;
}
