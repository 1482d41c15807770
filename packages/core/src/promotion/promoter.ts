// The Promoter turns requests into ledger events: each call is a pure decision (decisions/) run
// through one commit loop (commit.ts), then, when it started a deploy, the deploy saga
// (deploy-saga.ts) and the provider's tags (tags.ts, mirror.ts). README: "How a promotion flows".
import type { ModelshipConfig } from '../config/schema.js';
import type { ApprovalPayload } from '../ledger/approval-signature.js';
import type { LedgerEvent } from '../ledger/events.js';
import type { Ledger } from '../ledger/ledger.js';
import type { ModelVersion } from '../state/types.js';
import { settleWaiting } from './approve.js';
import { stageBoard } from './board.js';
import * as operations from './operations.js';
import { reconcile } from './reconcile.js';
import { type EventListener, PromoterRuntime } from './runtime.js';
import { payloadAt } from './signed-approval.js';
import type {
  ApproveInput,
  DeployRequest,
  PromoteInput,
  PromoterOptions,
  PromotionResult,
  ReconcileReport,
  RegisterInput,
  RollbackInput,
  StageBoard,
} from './types.js';

export type { EventListener };

export interface Promoter {
  readonly config: ModelshipConfig;
  readonly ledger: Ledger;
  register(input: RegisterInput): Promise<ModelVersion>;
  promote(input: PromoteInput): Promise<PromotionResult>;
  approve(input: ApproveInput): Promise<PromotionResult>;
  reject(input: ApproveInput): Promise<PromotionResult>;
  /** What `by` signs to approve now (SPEC.md, "Signed approvals"); pass the signature to `approve`. */
  approvalPayload(input: Pick<ApproveInput, 'model' | 'version' | 'stage' | 'by'>): Promise<ApprovalPayload>;
  deploy(input: DeployRequest): Promise<PromotionResult>;
  rollback(input: RollbackInput): Promise<PromotionResult>;
  /** The model's board; records first what the platform decided on versions waiting for approval (`externalApproval`). */
  status(model: string): Promise<StageBoard>;
  history(model: string): Promise<LedgerEvent[]>;
  /**
   * Finishes or fails every `deploying` entry left by a crashed run, then records what the platform
   * decided on versions waiting for approval (only `filter`'s model/stage when given).
   */
  reconcile(filter?: { model?: string; stage?: string }): Promise<ReconcileReport[]>;
  /** Subscribes to every event this promoter appends; returns an unsubscribe function. */
  on(listener: EventListener): () => void;
  /** Waits for notifications still being delivered (call before the process exits). */
  flush(): Promise<void>;
}

export function createPromoter(options: PromoterOptions): Promoter {
  const runtime = new PromoterRuntime(options);
  const result = async <R>(done: Promise<operations.Done<R>>) => (await done).result;
  // The board comes from the state the call left, so a caller showing it reads nothing again.
  const withBoard = async (done: Promise<operations.Done<PromotionResult>>): Promise<PromotionResult> => {
    const { result, loaded } = await done;
    return { ...result, board: stageBoard(loaded.state, result.model, runtime.config.stages) };
  };
  return {
    config: runtime.config,
    ledger: runtime.ledger,
    register: (input) => result(operations.register(runtime, input)),
    promote: (input) => withBoard(operations.promote(runtime, input)),
    approve: (input) => withBoard(operations.decide(runtime, input, true)),
    reject: (input) => withBoard(operations.decide(runtime, input, false)),
    async approvalPayload(input) {
      runtime.assertStage(input.stage);
      const { state, head } = await runtime.ledger.load();
      return payloadAt(state, head, input);
    },
    deploy: (input) => withBoard(operations.deploy(runtime, input)),
    rollback: (input) => withBoard(operations.rollback(runtime, input)),
    async status(model) {
      // Decisions taken on the platform are recorded when seen; without `externalApproval` this only reads.
      const loaded = (await settleWaiting(runtime, { model })).loaded ?? (await runtime.ledger.load());
      return stageBoard(loaded.state, model, runtime.config.stages);
    },
    async history(model) {
      return (await runtime.ledger.read()).filter((event) => event.model === model);
    },
    reconcile: (filter) => reconcile(runtime, filter),
    on: (listener) => runtime.on(listener),
    flush: () => runtime.flush(),
  };
}
