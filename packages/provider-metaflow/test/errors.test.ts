import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProviderContext, type Logger } from '@modelship/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { metaflowEnv, testProvider } from './fixtures.js';

function capture() {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => lines.push({ level, message });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { lines, context: createProviderContext({ logger }) };
}

describe('errors a person can act on (real Metaflow)', () => {
  const shared = inject('metaflowRuns');
  const root = mkdtempSync(join(tmpdir(), 'modelship-metaflow-errors-'));
  // Accepts connections and never answers: a metadata service behind a black-holing network.
  let silent: Server;
  let silentUrl = '';
  beforeAll(async () => {
    silent = createServer(() => {});
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise<void>((done) => silent.close(() => done()));
    rmSync(root, { recursive: true, force: true });
  });

  it('a Python that does not exist is named, with the setting that chooses it', async () => {
    const provider = testProvider(root, { python: '/nonexistent/bin/python3' });
    const error = await provider.readRun(shared.good, [], capture().context).then(
      () => new Error('expected a failure'),
      (e: Error) => e,
    );
    expect(error).toMatchObject({ code: 'invalid_input' });
    expect(error.message).toContain('cannot start the Python interpreter "/nonexistent/bin/python3"');
    expect(error.message).toContain('--python, MODELSHIP_METAFLOW_PYTHON');
  });

  it('no user name (root in a container) says to set METAFLOW_USER', async () => {
    const env = {
      ...metaflowEnv(root),
      METAFLOW_USER: undefined,
      USERNAME: undefined,
      SUDO_USER: undefined,
      USER: 'root',
    };
    const provider = testProvider(root, { env, processEnv: {} });
    const error = await provider.train({ model: { name: 'm' } }, capture().context).then(
      () => new Error('expected a failure'),
      (e: Error) => e,
    );
    expect(error).toMatchObject({ code: 'invalid_input' });
    expect(error.message).toMatch(/set METAFLOW_USER/);
  });

  it('an unreachable metadata service is one line naming the URL and the timeout, no traceback', async () => {
    const provider = testProvider(root, { metadataServiceUrl: silentUrl, serviceTimeoutMs: 300 });
    const error = await provider.readRun(shared.good, [], capture().context).then(
      () => new Error('expected a failure'),
      (e: Error) => e,
    );
    expect(error.message).toBe(
      `read run ${shared.good}: cannot reach the Metaflow metadata service at ${silentUrl} (no answer within 300 ms; timeout 300 ms): check METAFLOW_SERVICE_URL and the network`,
    );
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((done) => closed.close(() => done()));
    const refused = testProvider(root, { metadataServiceUrl: closedUrl, serviceTimeoutMs: 300 });
    const second = await refused.readRun(shared.good, [], capture().context).then(
      () => new Error('expected a failure'),
      (e: Error) => e,
    );
    expect(second.message).toContain(`at ${closedUrl} (ECONNREFUSED; timeout 300 ms)`);
    expect(second.message).not.toMatch(/Traceback|\n/);
  });

  it("Metaflow's own log lines are progress (info), not warnings", async () => {
    const { lines, context } = capture();
    const result = await testProvider(root).train(
      { model: { name: 'm' }, params: { accuracy: 0.9 } },
      context,
    );
    expect(result.status.unified).toBe('succeeded');
    expect(lines.some((l) => l.level === 'info' && /Task is starting/.test(l.message))).toBe(true);
    expect(lines.filter((l) => l.level === 'warn')).toEqual([]);
  });
});
