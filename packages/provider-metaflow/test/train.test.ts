import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProviderContext, ErrorCode, type Logger, ModelshipError } from '@modelship/core';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { metricsOf, parseRunPathspec } from '../src/client.js';
import { trainArgs } from '../src/train.js';
import { flowName, testProvider } from './fixtures.js';

function capture() {
  const lines: string[] = [];
  const record = (message: string) => lines.push(message);
  const logger: Logger = { debug: record, info: record, warn: record, error: record };
  return { lines, context: createProviderContext({ logger }) };
}

describe('train: `python <flow>.py run` against real Metaflow', () => {
  const shared = inject('metaflowRuns');
  const root = mkdtempSync(join(tmpdir(), 'modelship-metaflow-train-'));
  const provider = testProvider(root);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('a failing run still has its id (from --run-id-file), maps to failed, and its log streamed live', async () => {
    const { lines, context } = capture();
    const result = await provider.train(
      { model: { name: 'm' }, params: { fail: true }, tags: ['modelship_test'] },
      context,
    );
    expect(result.runId).toMatch(new RegExp(`^${flowName}/\\d+$`));
    // The end step never ran, so Metaflow reports the run unfinished; its failed task decides.
    expect(result.status).toEqual({ unified: 'failed', raw: 'step start failed' });
    expect(result.metrics).toEqual({});
    expect(lines.some((line) => line.includes('modelship test flow asked to fail'))).toBe(true);
    expect(lines.some((line) => /Task is starting/.test(line))).toBe(true);
  });

  it('a retry with the same idempotency key finds the first run instead of running again', async () => {
    const { context } = capture();
    const input = { model: { name: 'm' }, params: { accuracy: 0.91 }, idempotencyKey: 'train-key-1' };
    const first = await provider.train(input, context);
    expect(first.status.unified).toBe('succeeded');
    expect(first.metrics).toEqual({ accuracy: 0.91, 'loss.val': expect.closeTo(0.09, 6) });
    expect(first.refs).toMatchObject({ runId: first.runId, flow: flowName, user: 'modelship-test' });
    const again = await provider.train(input, context);
    expect(again.runId).toBe(first.runId);
    expect(again.metrics).toEqual(first.metrics);
  });

  it('reads the model artifact of the run as `artifact`', async () => {
    const run = await testProvider(shared.root, { modelArtifact: 'model_path' }).readRun(
      shared.good,
      ['model_path'],
      capture().context,
    );
    expect(run.artifacts.model_path).toBe('s3://example/models/model.pkl');
    expect(run.successful).toBe(true);
  });

  it('a flow file that does not exist is a command failure naming the command', async () => {
    const error = await provider
      .train({ model: { name: 'm' }, options: { flow: 'no_such_flow.py' } }, capture().context)
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.CommandFailed)).toBe(true);
    expect(String((error as Error).message)).toContain('no_such_flow.py');
  });

  it('builds the run command line: tags, card, parameters', () => {
    const args = trainArgs(
      'flow.py',
      '/tmp/id',
      {
        model: { name: 'm' },
        tags: ['ci'],
        params: { alpha: 0.1, 'keep-model': false },
        idempotencyKey: 'k',
      },
      true,
    );
    expect(args).toEqual([
      'flow.py',
      'run',
      '--run-id-file',
      '/tmp/id',
      '--tag',
      'ci',
      '--tag',
      'modelship_key:k',
      '--with',
      'card',
      '--alpha',
      '0.1',
      '--keep-model',
      'false',
    ]);
    expect(() => trainArgs('f.py', '/tmp/id', { model: { name: 'm' }, params: { 'a b': 1 } }, false)).toThrow(
      /params."a b" is not a Metaflow parameter name/,
    );
  });

  it('flattens metrics artifacts and parses run pathspecs', () => {
    expect(metricsOf({ accuracy: 0.9, per_class: { a: 1, b: 'x' } }, 'eval_metrics')).toEqual({
      accuracy: 0.9,
      'per_class.a': 1,
    });
    expect(metricsOf(0.8, 'accuracy')).toEqual({ accuracy: 0.8 });
    expect(parseRunPathspec('Flow/12', 'x')).toEqual({ flow: 'Flow', id: '12', pathspec: 'Flow/12' });
    expect(parseRunPathspec('12', 'x', 'Flow').pathspec).toBe('Flow/12');
    expect(() => parseRunPathspec('a/b/c', 'deploy refs.runId')).toThrow(/FlowName\/RunId/);
  });
});
