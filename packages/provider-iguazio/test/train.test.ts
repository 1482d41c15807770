import { createServer } from 'node:http';
import { type MlrunEmulator, startMlrunEmulator } from '@modelship/testing-mlrun-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIguazioProvider } from '../src/index.js';
import { accessKey, capturingContext, iguazioAt } from './helpers.js';

describe('train submits a project workflow and reads the model it logged', () => {
  let emulator: MlrunEmulator;
  const slack: unknown[] = [];
  const slackServer = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      slack.push(JSON.parse(body));
      res.end('ok');
    });
  });
  let webhook = '';

  beforeAll(async () => {
    emulator = await startMlrunEmulator({ accessKey, workflowPolls: 2 });
    await new Promise<void>((resolve) => slackServer.listen(0, '127.0.0.1', resolve));
    webhook = `http://127.0.0.1:${(slackServer.address() as { port: number }).port}/services/T000/B000/secret-hook`;
  });
  afterAll(async () => {
    await emulator.close();
    slackServer.close();
  });

  it('polls the runner and the pipeline to success and returns metrics and the model URI', async () => {
    const provider = iguazioAt(emulator.url, 'fraud-dev', {
      slackWebhook: webhook,
    });
    const { context, lines } = capturingContext();
    const result = await provider.train(
      { model: { name: 'clf' }, params: { accuracy: 0.93 }, options: { source: 'git://example/repo#main' } },
      context,
    );
    expect(result.status).toEqual({ unified: 'succeeded', raw: 'Succeeded' });
    expect(result.metrics).toEqual({ accuracy: 0.93, f1: 0.88 });
    expect(result.artifact).toBe(`store://models/fraud-dev/clf#0@${result.runId}`);
    const submit = emulator.requests.find((r) => r.path.endsWith('/workflows/train/submit'));
    expect(submit?.method).toBe('POST');
    expect(emulator.requests.filter((r) => r.path.includes('/pipelines/')).length).toBeGreaterThanOrEqual(3);
    await expect.poll(() => slack.length).toBe(1);
    expect(JSON.stringify(slack[0])).toContain('completed');
    expect(lines.join('\n')).not.toContain('secret-hook');
    // `modelship train --register` hands the store URI to upload: adopted by reference, nothing moved.
    const adopted = await provider.upload({ model: { name: 'clf' }, path: result.artifact! }, context);
    expect(adopted).toMatchObject({ uri: result.artifact, skipped: true, refs: { tree: result.runId } });
    expect(adopted.warnings[0]?.message).toContain('registered by reference');
  });

  it('a failed workflow is a provider error naming the workflow', async () => {
    const provider = iguazioAt(emulator.url, 'fraud-dev');
    const { context } = capturingContext();
    await expect(
      provider.train({ model: { name: 'clf' }, params: { fail: 'data missing' } }, context),
    ).rejects.toThrow(/workflow fraud-dev\/train .* ended Failed: training failed: data missing/);
  });

  it('without a project source MLRun refuses the run, and the error says how to give one', async () => {
    const provider = iguazioAt(emulator.url, 'no-source');
    const { context } = capturingContext();
    await expect(provider.train({ model: { name: 'clf' } }, context)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(
        /Workflow failed: Project source is required.*set projectSource \(--project-source\) or pass --option source=/,
      ),
    });
  });

  it('a workflow the project does not define fails at its runner (412) instead of polling on', async () => {
    const provider = iguazioAt(emulator.url, 'fraud-dev', {
      timeoutMs: 60_000,
    });
    const { context } = capturingContext();
    await expect(
      provider.train({ model: { name: 'clf' }, options: { workflow: 'retrain' } }, context),
    ).rejects.toMatchObject({
      rawCode: 412,
      message: expect.stringContaining('Failed to run workflow retrain, state: error'),
    });
  });

  it('an abort while polling stops with an aborted error', async () => {
    const slow = await startMlrunEmulator({ workflowPolls: 1000 });
    const provider = createIguazioProvider({
      apiUrl: slow.url,
      project: 'p',
      pollIntervalMs: 5,
      projectSource: 'git://example/repo#main',
    });
    const controller = new AbortController();
    const { context } = capturingContext(controller.signal);
    setTimeout(() => controller.abort(new Error('stop')), 50);
    await expect(provider.train({ model: { name: 'clf' } }, context)).rejects.toMatchObject({
      code: 'aborted',
    });
    await slow.close();
  });
});
