import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMemoryLedger,
  createNotifiers,
  createPromoter,
  createProviderContext,
  verifyWebhookSignature,
  webhookHeaders,
} from '../src/index.js';
import { requestBody } from './helpers/http.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    ),
  );
});

/** A real HTTP server on 127.0.0.1 answering with the given statuses in turn (the last one repeats). */
async function receiver(statuses: number[], options: { hang?: boolean } = {}) {
  const received: Received[] = [];
  const server = createServer(async (request, response) => {
    received.push({ headers: request.headers, body: await requestBody(request), at: Date.now() });
    if (options.hang) return;
    const status = statuses[Math.min(received.length - 1, statuses.length - 1)] as number;
    response.writeHead(status, status === 429 ? { 'retry-after': '0' } : {}).end('ok');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received };
}

const WEBHOOK_SECRET = 'whsec-test-0f9e8d7c6b5a';
const delivery = { baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 500 };

function promoterWith(env: Record<string, string>, lines: string[]) {
  const logger = {
    debug: () => {},
    info: (m: string) => lines.push(m),
    warn: (m: string) => lines.push(m),
    error: (m: string) => lines.push(m),
  };
  const context = createProviderContext({ logger });
  const notifiers = createNotifiers(
    [
      { type: 'webhook', urlEnv: 'HOOK_URL', secretEnv: 'HOOK_SECRET' },
      { type: 'slack', webhookUrlEnv: 'SLACK_URL' },
    ],
    { env, redact: context.redact, delivery },
  );
  return createPromoter({
    ledger: createMemoryLedger(),
    context,
    notifiers,
    env: { USER: 'tester' },
    captureProvenance: false,
  });
}

describe('notifiers against a loopback HTTP server', () => {
  it('signs webhooks with HMAC-SHA256 over id.timestamp.body and retries 429/5xx with backoff', async () => {
    const hook = await receiver([503, 429, 200]);
    const slack = await receiver([200]);
    const promoter = promoterWith(
      { HOOK_URL: hook.url, HOOK_SECRET: WEBHOOK_SECRET, SLACK_URL: slack.url },
      [],
    );
    await promoter.register({ model: 'm', metrics: { accuracy: 0.9 } });
    await promoter.flush();
    expect(hook.received).toHaveLength(3);
    const last = hook.received[2] as Received;
    const input = {
      secret: WEBHOOK_SECRET,
      id: String(last.headers[webhookHeaders.id]),
      timestamp: String(last.headers[webhookHeaders.timestamp]),
      body: last.body,
      signature: String(last.headers[webhookHeaders.signature]),
    };
    expect(verifyWebhookSignature(input)).toBe(true);
    expect(verifyWebhookSignature({ ...input, body: last.body.replace('0.9', '0.1') })).toBe(false);
    expect(verifyWebhookSignature({ ...input, secret: 'wrong-secret' })).toBe(false);
    expect(JSON.parse(last.body)).toMatchObject({ type: 'version.registered', model: 'm', id: input.id });
    expect(slack.received).toHaveLength(0); // registrations are not in Slack's default events

    await promoter.promote({ model: 'm', version: 'v1', to: 'development' });
    await promoter.flush();
    const texts = slack.received.map((r) => JSON.parse(r.body).text);
    expect(texts).toEqual([
      ':white_check_mark: *m* v1 passed the gates for development',
      ':rocket: *m* v1 is now champion in development',
    ]);
  });

  it('a failing or hanging notifier never fails or blocks a promotion, and its errors leak no secret', async () => {
    const hook = await receiver([500]);
    const slack = await receiver([200], { hang: true });
    const slackUrl = `${slack.url}/T000/B000/xoxb-secret-slack-path`;
    const lines: string[] = [];
    const promoter = promoterWith(
      { HOOK_URL: hook.url, HOOK_SECRET: WEBHOOK_SECRET, SLACK_URL: slackUrl },
      lines,
    );
    await promoter.register({ model: 'm', metrics: {} });
    const started = Date.now();
    const result = await promoter.promote({ model: 'm', version: 'v1', to: 'development' });
    expect(result.outcome).toBe('promoted');
    expect(Date.now() - started).toBeLessThan(400);
    await promoter.flush();
    expect(hook.received.length).toBe(5 * 5); // 5 events, each tried 1 + 4 times
    expect(lines.some((line) => /notifier webhook 0 failed .* after 5 attempts: HTTP 500/.test(line))).toBe(
      true,
    );
    expect(lines.some((line) => /notifier slack failed .*timed out/.test(line))).toBe(true);
    for (const line of lines) {
      expect(line).not.toContain(WEBHOOK_SECRET);
      expect(line).not.toContain('xoxb-secret-slack-path');
    }
  });
});
