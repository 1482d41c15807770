// The build of a pushed commit: wait for it (its logs when it fails), then call it with the test cases.
import { ErrorCode, ModelshipError } from '@modelship/core';
import { pollUntil } from '@modelship/core/provider-kit';
import type { AlgorithmBuild, AlgorithmiaDeps } from './client.js';
import type { AlgorithmTestCase } from './settings.js';

/** Polls the builds list for the build of `commit` until it succeeds or fails (with its logs). */
export async function waitForBuild(deps: AlgorithmiaDeps, commit: string): Promise<AlgorithmBuild> {
  const timeoutMs = deps.settings.buildTimeoutMs ?? 600_000;
  const task = `wait build of ${commit.slice(0, 12)}`;
  const build = await pollUntil<AlgorithmBuild>({
    what: `the Algorithmia build of commit ${commit}`,
    interval: deps.settings.pollIntervalMs ?? 2_000,
    timeout: timeoutMs,
    signal: deps.context.signal,
    hint: "check the algorithm's builds, or POST /compile",
    check: async () => {
      const builds = await deps.api.builds(deps.context.signal);
      const found = builds.find((candidate) => candidate.commit_sha === commit);
      if (found && found.status !== 'in-progress') return { done: true, value: found };
      return { done: false, describe: found?.status ?? 'no build seen' };
    },
    onProgress: ({ elapsedMs }) =>
      deps.context.progress({
        task,
        done: Math.round(elapsedMs / 1000),
        total: Math.round(timeoutMs / 1000),
        unit: 'seconds',
      }),
  });
  if (build.status === 'succeeded') return build;
  const logs = await deps.api
    .buildLogs(build.build_id, deps.context.signal)
    .catch(() => '(logs unavailable)');
  throw new ModelshipError(
    ErrorCode.Provider,
    `Algorithmia build ${build.build_id} of commit ${commit} ${build.status === 'failed' ? 'failed' : `ended ${build.status}`}; fix the algorithm code and deploy again. Build log:\n${deps.context.redact(logs).slice(-3000)}`,
    { details: { buildId: build.build_id, commit } },
  );
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
