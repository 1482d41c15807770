import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LedgerEvent } from '../ledger/events.js';
import { type DeliveryOptions, deliver, wantsEvent } from './deliver.js';
import type { Notifier } from './notifier.js';

export const webhookHeaders = {
  id: 'modelship-webhook-id',
  timestamp: 'modelship-webhook-timestamp',
  signature: 'modelship-webhook-signature',
} as const;

export interface WebhookNotifierOptions extends DeliveryOptions {
  url: string;
  /** The shared HMAC secret (resolve it from an environment variable; never put it in the config). */
  secret: string;
  /** Event types to send (`deploy.*` allowed); default all. */
  events?: readonly string[];
  name?: string;
  now?: () => Date;
}

/** `v1=` + hex HMAC-SHA256 over `id.timestamp.body`. */
export function signWebhook(secret: string, id: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest('hex')}`;
}

export interface VerifyWebhookInput {
  secret: string;
  id: string;
  timestamp: string;
  body: string;
  signature: string;
  /** Reject timestamps further than this from now (default 300 s), against replays. */
  toleranceSeconds?: number;
  now?: Date;
}

/** For receivers: true when the signature matches and the timestamp is fresh. */
export function verifyWebhookSignature(input: VerifyWebhookInput): boolean {
  const age = Math.abs((input.now ?? new Date()).getTime() / 1000 - Number(input.timestamp));
  if (!Number.isFinite(age) || age > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(input.secret, input.id, input.timestamp, input.body));
  const given = Buffer.from(input.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Sends every event as JSON, signed so that the receiver can check it came from modelship. */
export function createWebhookNotifier(options: WebhookNotifierOptions): Notifier {
  return {
    name: options.name ?? 'webhook',
    async notify(event: LedgerEvent) {
      if (!wantsEvent(options.events, event.type)) return;
      const body = JSON.stringify(event);
      await deliver(
        {
          target: options.name ?? 'webhook',
          url: options.url,
          body,
          headers: () => {
            const timestamp = String(Math.floor((options.now?.() ?? new Date()).getTime() / 1000));
            return {
              [webhookHeaders.id]: event.id,
              [webhookHeaders.timestamp]: timestamp,
              [webhookHeaders.signature]: signWebhook(options.secret, event.id, timestamp, body),
            };
          },
        },
        options,
      );
    },
  };
}
