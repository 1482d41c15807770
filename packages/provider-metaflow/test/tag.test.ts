import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProviderContext, type Logger } from '@modelship/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMetaflowProvider } from '../src/index.js';
import { metaflowTagFor, tagCommandArgs } from '../src/tag.js';
import { testProvider } from './fixtures.js';

describe('tag through the flow command (real Metaflow)', () => {
  const shared = inject('metaflowRuns');
  const provider = testProvider(shared.root);
  const context = createProviderContext({ logger: { debug() {}, info() {}, warn() {}, error() {} } });
  const tag = `tag_${process.pid}_${Date.now()}`;

  it('adds and removes a tag in the creator namespace; champion means the stage tag', async () => {
    const refs = { runId: shared.weak };
    const added = await provider.tag(
      { model: { name: 'm', version: 'v1' }, stage: 'staging', tag, refs },
      context,
    );
    expect(added.refs).toMatchObject({ runId: shared.weak, tag, user: 'modelship-test' });
    expect((await provider.readRun(shared.weak, [], context)).tags).toContain(tag);
    await provider.tag(
      { model: { name: 'm', version: 'v1' }, stage: 'staging', tag, action: 'remove', refs },
      context,
    );
    expect((await provider.readRun(shared.weak, [], context)).tags).not.toContain(tag);
    expect(metaflowTagFor({ production: 'production' }, 'production', 'champion')).toBe('production');
    expect(metaflowTagFor({ production: 'production' }, 'staging', 'champion')).toBe('champion');
  });

  it('replace removes and adds in one command', async () => {
    await provider.replaceTags({ runId: shared.weak, add: [`${tag}_a`] }, context);
    const run = await provider.replaceTags(
      { runId: shared.weak, remove: [`${tag}_a`], add: [`${tag}_b`] },
      context,
    );
    expect(run.tags).toContain(`${tag}_b`);
    expect(run.tags).not.toContain(`${tag}_a`);
    expect(
      tagCommandArgs(
        'f.py',
        { run: { flow: 'F', id: '1', pathspec: 'F/1' }, add: ['x'], remove: ['y'] },
        'user:u',
      ),
    ).toEqual([
      'f.py',
      'tag',
      'replace',
      '--run-id',
      '1',
      '--namespace',
      'user:u',
      '--remove',
      'y',
      '--add',
      'x',
    ]);
  });

  it('a run that does not exist is not_found', async () => {
    await expect(
      provider.tag(
        {
          model: { name: 'm', version: 'v1' },
          stage: 'staging',
          tag,
          refs: { runId: 'ModelshipTrainFlow/7', user: 'x' },
        },
        context,
      ),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});

// No Metaflow metadata service runs here (it needs Postgres); this double answers its
// `PATCH /flows/{flow}/runs/{run}/tag/mutate` the way the service's API documents.
describe('tag through a metadata service (HTTP double on 127.0.0.1)', () => {
  const apiKey = 'mf-service-key-123456';
  const requests: { url: string; key: string | undefined; body: unknown }[] = [];
  let answers: number[] = [];
  let server: Server;
  let url = '';
  const lines: string[] = [];
  const record = (message: string) => lines.push(message);
  const logger: Logger = { debug: record, info: record, warn: record, error: record };

  beforeAll(async () => {
    server = createServer(async (req: IncomingMessage, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      requests.push({
        url: `${req.method} ${req.url}`,
        key: req.headers['x-api-key'] as string,
        body: JSON.parse(body),
      });
      const status = answers.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        status === 200
          ? JSON.stringify({ tags: ['deployment_candidate'] })
          : `{"message":"status ${status} for ${apiKey}"}`,
      );
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  const provider = () => createMetaflowProvider({ metadataServiceUrl: url, apiKey, processEnv: {} });
  const input = (tag: string) => ({
    model: { name: 'm', version: 'v1' },
    stage: 'staging',
    tag,
    refs: { runId: 'EvaluateNewModelFlow/1699', user: 'ci' },
  });

  it('sends tags_to_add / tags_to_remove with x-api-key and retries 409', async () => {
    requests.length = 0;
    answers = [409, 409, 200];
    const context = createProviderContext({ logger });
    await provider().tag(input('deployment_candidate'), context);
    expect(requests).toHaveLength(3);
    expect(requests[2]).toEqual({
      url: 'PATCH /flows/EvaluateNewModelFlow/runs/1699/tag/mutate',
      key: apiKey,
      body: { tags_to_add: ['deployment_candidate'], tags_to_remove: [] },
    });
  });

  it('422 is a clear invalid_input error without the key; repeated 409 gives up as a conflict', async () => {
    answers = [422];
    const context = createProviderContext({ logger });
    const error = (await provider()
      .tag(input('bad tag'), context)
      .catch((e: unknown) => e)) as Error & { code: string };
    expect(error).toMatchObject({ code: 'invalid_input' });
    expect(error.message).toContain('rejected the tags (422)');
    expect(error.message).not.toContain(apiKey);
    answers = Array(10).fill(409);
    await expect(provider().tag(input('x'), context)).rejects.toMatchObject({
      code: 'conflict',
      isRetryable: true,
    });
    for (const line of lines) expect(line).not.toContain(apiKey);
  });
});
