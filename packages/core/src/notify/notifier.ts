import type { LedgerEvent } from '../ledger/events.js';

/** Receives every event a Promoter appends (Slack, a webhook, your own). */
export interface Notifier {
  readonly name: string;
  notify(event: LedgerEvent): Promise<void>;
}
