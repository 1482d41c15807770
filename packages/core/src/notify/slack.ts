import type { LedgerEvent } from '../ledger/events.js';
import { type DeliveryOptions, deliver, wantsEvent } from './deliver.js';
import type { Notifier } from './notifier.js';

export interface SlackNotifierOptions extends DeliveryOptions {
  /** The incoming-webhook URL: a secret, so resolve it from an environment variable. */
  webhookUrl: string;
  /** Default: gate results, approvals and deploy outcomes. */
  events?: readonly string[];
}

export const defaultSlackEvents = ['gates.evaluated', 'approval.*', 'deploy.succeeded', 'deploy.failed'];

/** One line a human reads in a channel. */
export function formatSlackText(event: LedgerEvent): string {
  const subject = `*${event.model}* ${event.version ?? ''}`.trim();
  const by = event.by ? ` by ${event.by}` : '';
  const data = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'gates.evaluated': {
      const failed = ((data.gates as { verdict: string; message: string }[]) ?? []).filter(
        (g) => g.verdict === 'fail',
      );
      if (!data.passed)
        return `:no_entry: ${subject} failed the gates for ${event.stage}: ${failed.map((g) => g.message).join('; ')}`;
      return Number(data.approvalsRequired) > 0
        ? `:hourglass: ${subject} passed the gates for ${event.stage} and awaits ${data.approvalsRequired} approval(s)`
        : `:white_check_mark: ${subject} passed the gates for ${event.stage}`;
    }
    case 'approval.granted':
      return `:thumbsup: ${subject} approved for ${event.stage}${by}`;
    case 'approval.rejected':
      return `:thumbsdown: ${subject} rejected for ${event.stage}${by}`;
    case 'deploy.succeeded':
      return `:rocket: ${subject} is now champion in ${event.stage}${data.endpoint ? ` (${data.endpoint})` : ''}${data.rollback ? ' — rollback' : ''}`;
    case 'deploy.failed':
      return `:x: deploying ${subject} to ${event.stage} failed: ${(data.error as { message?: string })?.message ?? 'unknown error'}`;
    default:
      return `${event.type}: ${subject}${event.stage ? ` ${event.stage}` : ''}${by}`;
  }
}

export function createSlackNotifier(options: SlackNotifierOptions): Notifier {
  const events = options.events ?? defaultSlackEvents;
  return {
    name: 'slack',
    async notify(event) {
      if (!wantsEvent(events, event.type)) return;
      const text = formatSlackText(event);
      await deliver(
        {
          target: 'slack webhook',
          url: options.webhookUrl,
          body: JSON.stringify({ text }),
          headers: () => ({}),
        },
        options,
      );
    },
  };
}
