// The Promoter turns requests into ledger events. Every decision is made on a loaded state and
// appended only if the ledger head has not moved since (optimistic concurrency); when it has, the
// state is re-read and the decision re-made — or, if the same stage changed, the race is lost.
import { parseConfig } from '../config/load.js';
import { configSchema, type ModelshipConfig } from '../config/schema.js';
import { createProviderContext } from '../contract/context.js';
import { InvalidInputError } from '../contract/errors.js';
import { silentLogger } from '../contract/logger.js';
import type { ProviderContext } from '../contract/provider.js';
import type { LedgerEvent, LedgerEventInput } from '../ledger/events.js';
import type { Ledger, LoadedState } from '../ledger/ledger.js';
import { replay } from '../state/reducer.js';
import type { LedgerState, ModelVersion } from '../state/types.js';
import { stageBoard } from './board.js';
import { RaceLostError } from './errors.js';
import { defaultActor, defaultIdempotencyKey } from './idempotency.js';
import { PromotionOperations } from './operations.js';
import type {
  ApproveInput,
  DeployRequest,
  Notifier,
  PromoteInput,
  PromoterOptions,
  PromotionResult,
  ReconcileReport,
  RegisterInput,
  RollbackInput,
  StageBoard,
} from './types.js';

export type EventListener = (event: LedgerEvent) => void;

const MAX_ATTEMPTS = 50;

export interface Promoter {
  readonly config: ModelshipConfig;
  readonly ledger: Ledger;
  register(input: RegisterInput): Promise<ModelVersion>;
  promote(input: PromoteInput): Promise<PromotionResult>;
  approve(input: ApproveInput): Promise<PromotionResult>;
  reject(input: ApproveInput): Promise<PromotionResult>;
  deploy(input: DeployRequest): Promise<PromotionResult>;
  rollback(input: RollbackInput): Promise<PromotionResult>;
  status(model: string): Promise<StageBoard>;
  history(model: string): Promise<LedgerEvent[]>;
  reconcile(): Promise<ReconcileReport[]>;
  /** Subscribes to every event this promoter appends; returns an unsubscribe function. */
  on(listener: EventListener): () => void;
  /** Waits for notifications still being delivered (call before the process exits). */
  flush(): Promise<void>;
}

/** A decision: events to append, given the state they were decided on. */
export interface Plan<T> {
  events: LedgerEventInput[];
  /** The value to return once the events are appended. */
  done: (appended: LedgerEvent[], state: LedgerState) => T | Promise<T>;
}

export class PromoterCore {
  readonly config: ModelshipConfig;
  readonly context: ProviderContext;
  readonly env: Record<string, string | undefined>;
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
    if (!this.config.stages.includes(stage)) {
      throw new InvalidInputError(
        `unknown stage "${stage}"; configured stages are ${this.config.stages.join(', ')}`,
      );
    }
  }

  load(): Promise<LoadedState> {
    return this.ledger.load();
  }

  /** Secrets never reach the ledger: every event passes through the context's redactor. */
  private sanitize(events: LedgerEventInput[]): LedgerEventInput[] {
    return JSON.parse(this.context.redact(JSON.stringify(events))) as LedgerEventInput[];
  }

  /**
   * Decides on the current state and appends the decision. `decide` runs again after a conflict;
   * it throws RaceLostError itself when the conflict touched what it depends on.
   */
  async commit<T>(
    decide: (loaded: LoadedState, attempt: number) => Promise<Plan<T> | T> | Plan<T> | T,
    isPlan: (value: Plan<T> | T) => value is Plan<T>,
  ): Promise<T> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const loaded = await this.load();
      const decision = await decide(loaded, attempt);
      if (!isPlan(decision)) return decision;
      const events = this.sanitize(decision.events);
      const nextState = replay(events, loaded.state);
      const appended = await this.ledger.append(events, { expectedHead: loaded.head });
      if (appended.ok) {
        this.emit(appended.events);
        return decision.done(appended.events, nextState);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * 2 ** attempt)));
    }
    throw new RaceLostError(
      `gave up after ${MAX_ATTEMPTS} attempts: the ledger kept changing under this call`,
      { isRetryable: true },
    );
  }

  private emit(events: LedgerEvent[]): void {
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

export function isPlan<T>(value: Plan<T> | T): value is Plan<T> {
  return (
    typeof value === 'object' &&
    value !== null &&
    'events' in value &&
    'done' in value &&
    typeof (value as Plan<T>).done === 'function'
  );
}

export function createPromoter(options: PromoterOptions): Promoter {
  const core = new PromoterCore(options);
  const operations = new PromotionOperations(core);
  return {
    config: core.config,
    ledger: core.ledger,
    register: (input) => operations.register(input),
    promote: (input) => operations.promote(input),
    approve: (input) => operations.approve(input),
    reject: (input) => operations.reject(input),
    deploy: (input) => operations.deploy(input),
    rollback: (input) => operations.rollback(input),
    async status(model) {
      const { state } = await core.load();
      return stageBoard(state, model, core.config.stages);
    },
    async history(model) {
      return (await core.ledger.read()).filter((event) => event.model === model);
    },
    reconcile: () => operations.reconcile(),
    on: (listener) => core.on(listener),
    flush: () => core.flush(),
  };
}
