import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature, webhookHeaders } from '@modelship/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBody } from '../../core/test/helpers/http.js';
import { cli, makeProject, stopServers } from './helpers.js';

const SECRET = 'testing-webhook-signing-secret';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

const received: Received[] = [];
const server = createServer(async (req, res) => {
  received.push({ headers: req.headers, body: await requestBody(req) });
  res.writeHead(204).end();
});

const project = makeProject(
  'version: 1\nstages: [staging, production]\nnotifiers:\n  - type: webhook\n    urlEnv: HOOK_URL\n    secretEnv: HOOK_SECRET\n',
);

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await stopServers(project.dir);
  await new Promise((resolve) => server.close(resolve));
  project.cleanup();
});

describe('notifiers from the config', () => {
  it('a promotion through the CLI posts signed events before the process exits, without leaking the secret', async () => {
    const env = {
      HOOK_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
      HOOK_SECRET: SECRET,
    };
    const model = project.model('n', 2, 0.9);
    const registered = await cli(['register', 'm', '--path', model.path, '--metrics', model.metrics], {
      cwd: project.dir,
      env,
    });
    expect(registered.code, registered.stderr).toBe(0);
    const promoted = await cli(['promote', 'm', 'v1', '--to', 'staging'], { cwd: project.dir, env });
    expect(promoted.code, promoted.stderr).toBe(0);
    const output = `${registered.stdout}${registered.stderr}${promoted.stdout}${promoted.stderr}`;
    expect(output).not.toContain(SECRET);
    expect(received.length).toBeGreaterThan(0);
    for (const delivery of received) {
      const header = (name: string) => String(delivery.headers[name.toLowerCase()]);
      expect(
        verifyWebhookSignature({
          secret: SECRET,
          id: header(webhookHeaders.id),
          timestamp: header(webhookHeaders.timestamp),
          signature: header(webhookHeaders.signature),
          body: delivery.body,
        }),
      ).toBe(true);
      expect(delivery.body).not.toContain(SECRET);
    }
    const types = received.map((d) => JSON.parse(d.body).type as string);
    expect(types).toContain('version.registered');
    expect(types.length).toBeGreaterThan(1);
  });
});
