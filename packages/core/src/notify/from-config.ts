import { ConfigInvalidError } from '../config/errors.js';
import type { NotifierConfig } from '../config/schema.js';
import type { Redactor } from '../contract/redact.js';
import type { DeliveryOptions } from './deliver.js';
import type { Notifier } from './notifier.js';
import { createSlackNotifier } from './slack.js';
import { createWebhookNotifier } from './webhook.js';

function fromEnv(env: Record<string, string | undefined>, name: string, where: string): string {
  const value = env[name];
  if (!value)
    throw new ConfigInvalidError(
      `${where} names the environment variable ${name}, which is not set; export it (e.g. from a CI secret)`,
    );
  return value;
}

/** Builds notifiers from config, resolving secrets from the environment and registering them for redaction. */
export function createNotifiers(
  configs: readonly NotifierConfig[],
  options: { env?: Record<string, string | undefined>; redact?: Redactor; delivery?: DeliveryOptions } = {},
): Notifier[] {
  const env = options.env ?? process.env;
  return configs.map((config, index) => {
    const where = `notifiers[${index}]`;
    if (config.type === 'slack') {
      const webhookUrl = fromEnv(env, config.webhookUrlEnv, `${where}.webhookUrlEnv`);
      options.redact?.add(webhookUrl);
      return createSlackNotifier({
        ...options.delivery,
        webhookUrl,
        ...(config.events ? { events: config.events } : {}),
      });
    }
    const secret = fromEnv(env, config.secretEnv, `${where}.secretEnv`);
    options.redact?.add(secret);
    const url = config.urlEnv ? fromEnv(env, config.urlEnv, `${where}.urlEnv`) : config.url;
    if (!url) throw new ConfigInvalidError(`${where} needs url or urlEnv`);
    if (config.urlEnv) options.redact?.add(url);
    return createWebhookNotifier({
      ...options.delivery,
      url,
      secret,
      name: `webhook ${index}`,
      ...(config.events ? { events: config.events } : {}),
    });
  });
}
