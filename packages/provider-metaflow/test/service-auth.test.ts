// Outerbounds service principals: the metadata service gets METAFLOW_SERVICE_HEADERS, found in the
// environment or in the Metaflow config file `outerbounds service-principal-configure` writes, and
// production deploys pass `--authorize`. The stand-in on 127.0.0.1 refuses requests without the
// headers, as the platform's gateway does.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandRunner, createProviderContext, type Logger } from '@modelship/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetaflowProvider } from '../src/index.js';

const token = 'ob-principal-token-7f3a9c';
const input = {
  model: { name: 'iris', version: 'v1' },
  stage: 'staging',
  tag: 'deployment_candidate',
  refs: { runId: 'EvaluateNewModelFlow/argo-evaluatenewmodelflow-8x2kq', user: 'ci' },
};

describe('metadata service auth (loopback stand-in that checks headers)', () => {
  const seen: IncomingHttpHeaders[] = [];
  const lines: string[] = [];
  const record = (message: string) => lines.push(message);
  const logger: Logger = { debug: record, info: record, warn: record, error: record };
  const home = mkdtempSync(join(tmpdir(), 'modelship-metaflow-auth-'));
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      const ok =
        req.headers['x-ob-auth'] === `Bearer ${token}` && req.headers['x-ob-perimeter'] === 'default';
      res.writeHead(ok ? 200 : 403, { 'content-type': 'application/json' });
      res.end(ok ? '{"tags":[]}' : `{"message":"forbidden for ${String(req.headers['x-ob-auth'])}"}`);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((done) => server.close(() => done()));
    rmSync(home, { recursive: true, force: true });
  });
  const headers = JSON.stringify({ 'x-ob-auth': `Bearer ${token}`, 'x-ob-perimeter': 'default' });

  it('sends METAFLOW_SERVICE_HEADERS from the environment', async () => {
    seen.length = 0;
    const provider = createMetaflowProvider({
      processEnv: { METAFLOW_SERVICE_URL: url, METAFLOW_SERVICE_HEADERS: headers },
    });
    await provider.tag(input, createProviderContext({ logger }));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ 'x-ob-auth': `Bearer ${token}`, 'x-ob-perimeter': 'default' });
  });

  it('finds the service and its headers in the Metaflow config file (METAFLOW_HOME, METAFLOW_PROFILE)', async () => {
    seen.length = 0;
    mkdirSync(join(home, 'cfg'), { recursive: true });
    writeFileSync(
      join(home, 'cfg', 'config_ci.json'),
      JSON.stringify({ METAFLOW_SERVICE_URL: url, METAFLOW_SERVICE_HEADERS: JSON.parse(headers) }),
    );
    const provider = createMetaflowProvider({
      processEnv: { METAFLOW_HOME: join(home, 'cfg'), METAFLOW_PROFILE: 'ci' },
    });
    await provider.tag(input, createProviderContext({ logger }));
    expect(seen[0]).toMatchObject({ 'x-ob-auth': `Bearer ${token}` });
  });

  it('a refusal is auth_failed and never shows the header values', async () => {
    const provider = createMetaflowProvider({
      processEnv: {
        METAFLOW_SERVICE_URL: url,
        METAFLOW_SERVICE_HEADERS: headers.replace('default', 'other'),
      },
    });
    const error = await provider.tag(input, createProviderContext({ logger })).then(
      () => new Error('expected a failure'),
      (e: Error) => e,
    );
    expect(error).toMatchObject({ code: 'auth_failed' });
    expect(error.message).toContain('METAFLOW_SERVICE_HEADERS');
    expect(error.message).not.toContain(token);
    for (const line of lines) expect(line).not.toContain(token);
  });

  it('production deploys pass --authorize with the configured token, redacted from what is printed', async () => {
    const calls: { args: readonly string[]; secrets: readonly string[] }[] = [];
    const run = {
      pathspec: input.refs.runId,
      flow: 'EvaluateNewModelFlow',
      id: 'argo-evaluatenewmodelflow-8x2kq',
      successful: true,
      finished: true,
      failedStep: null,
      createdAt: null,
      finishedAt: null,
      tags: [],
      systemTags: ['user:ci'],
      artifactsPresent: [],
      artifacts: {},
    };
    const runner: CommandRunner = async (command, args, options) => {
      calls.push({ args, secrets: options?.secrets ?? [] });
      const helper = String(args[0]).endsWith('modelship_metaflow_query.py');
      const stdout = !helper
        ? JSON.stringify({ kind: 'WorkflowTemplate', metadata: { name: 'modelship_iris.prod.predictflow' } })
        : args[1] === 'tagged'
          ? '{"ok":true,"runs":[]}'
          : JSON.stringify({ ok: true, run, tags: [] });
      return {
        command: [command, ...args].join(' '),
        exitCode: 0,
        stdout,
        stderr: '',
        failed: false,
        timedOut: false,
        aborted: false,
      };
    };
    const provider = createMetaflowProvider({
      deployFlow: 'predict_flow.py',
      onlyJson: true,
      productionToken: 'prod-token-123',
      processEnv: {},
    });
    const context = { ...createProviderContext({ logger }), run: runner };
    await provider.deploy({ ...input, stage: 'production', refs: { runId: input.refs.runId } }, context);
    const create = calls.find((call) => call.args.includes('create'));
    expect(create?.args.slice(-4)).toEqual(['create', '--authorize', 'prod-token-123', '--only-json']);
    expect(create?.secrets).toContain('prod-token-123');
  });
});
