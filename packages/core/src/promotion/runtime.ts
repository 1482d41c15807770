// What every operation shares: the parsed config, the provider context, the clock, the acting
// user, default idempotency keys, and the listeners and notifiers appended events go to.
import { hostname } from 'node:os';
import { parseConfig } from '../config/load.js';
import { configSchema, type ModelshipConfig } from '../config/schema.js';
import { createProviderContext } from '../contract/context.js';
import { ErrorCode, InvalidInputError, ModelshipError } from '../contract/errors.js';
import { silentLogger } from '../contract/logger.js';
import type { ProviderContext } from '../contract/provider.js';
import type { LedgerEvent } from '../ledger/events.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Notifier } from '../notify/notifier.js';
import type { DeployRunner } from '../state/types.js';
import { defaultActor, defaultIdempotencyKey } from './idempotency.js';
import type { PromoterOptions } from './types.js';

export type EventListener = (event: LedgerEvent) => void;

export class PromoterRuntime {
  readonly config: ModelshipConfig;
  readonly context: ProviderContext;
  readonly env: Record<string, string | undefined>;
  readonly runner: DeployRunner = { host: hostname(), pid: process.pid };
  private readonly listeners = new Set<EventListener>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(readonly options: PromoterOptions) {
    this.config = options.config ? parseConfig(options.config) : configSchema.parse({});
    this.context = options.context ?? createProviderContext({ logger: silentLogger, now: options.now });
    this.env = options.env ?? process.env;
  }

  get ledger(): Ledger {
    return this.options.ledger;
  }

  now(): string {
    return (this.options.now ?? this.context.now)().toISOString();
  }

  actor(by: string | undefined): string {
    return by ?? defaultActor(this.env);
  }

  key(explicit: string | undefined, operation: string, parts: string[]): string | undefined {
    return explicit ?? defaultIdempotencyKey(this.env, operation, parts);
  }

  assertStage(stage: string): void {
    if (!this.config.stages.includes(stage))
      throw new InvalidInputError(
        `unknown stage "${stage}"; configured stages are ${this.config.stages.join(', ')}`,
      );
  }

  /** Errors from providers are shown to users: their messages pass through the redactor first. */
  redacted(failure: unknown): ModelshipError {
    const redact = this.context.redact;
    if (ModelshipError.isInstance(failure)) {
      failure.message = redact(failure.message);
      return failure;
    }
    // The original error is not kept as `cause`: printing it would show the unredacted message.
    return new ModelshipError(ErrorCode.Provider, redact(String((failure as Error)?.message ?? failure)));
  }

  /** Offers appended events to listeners and notifiers; neither can break a promotion. */
  emit(events: readonly LedgerEvent[]): void {
    for (const event of events) {
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch {
          // a listener never breaks a promotion
        }
      }
      for (const notifier of this.options.notifiers ?? []) this.track(notifier, event);
    }
  }

  private track(notifier: Notifier, event: LedgerEvent): void {
    const delivery = notifier.notify(event).catch((error: unknown) => {
      this.context.logger.warn(
        `notifier ${notifier.name} failed for event ${event.seq} (${event.type}): ${(error as Error).message}`,
      );
    });
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async flush(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
}
