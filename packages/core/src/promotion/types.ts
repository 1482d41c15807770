import type { ModelshipConfig, ModelshipConfigInput } from '../config/schema.js';
import type {
  DeployResult,
  ProviderContext,
  ProviderRefs,
  ProviderV1,
  ProviderWarning,
} from '../contract/provider.js';
import type { ApprovalSignature } from '../ledger/events.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Notifier } from '../notify/notifier.js';
import type { GateReport, ModelVersion, StageEntry } from '../state/types.js';
import type { CustomGate, Evaluation } from './gates.js';

export type { Notifier };

export interface PromoterOptions {
  config?: ModelshipConfig | ModelshipConfigInput;
  ledger: Ledger;
  /** Deploys versions; without one, promotions are recorded only (registry mode). */
  provider?: ProviderV1;
  context?: ProviderContext;
  notifiers?: readonly Notifier[];
  gates?: readonly CustomGate[];
  now?: () => Date;
  /** Read for default idempotency keys and the acting user (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Capture provenance (GitHub Actions, git) when a version is registered without one (default true). */
  captureProvenance?: boolean;
  /** Mirror decisions to the provider's `promotionTags` (default true; false: tags stay explicit). */
  mirrorTags?: boolean;
  /** Where relative paths in the config (`approvals.<stage>.allowedSigners`) start (default: process.cwd()). */
  cwd?: string;
}

export interface RegisterInput {
  model: string;
  path?: string;
  artifact?: string;
  metrics: Record<string, number>;
  manifestDigest?: string;
  /** Path of the manifest file stamping `path`. */
  manifest?: string;
  provenance?: Record<string, unknown>;
  refs?: ProviderRefs;
  /** Id of the evaluation set the metrics come from (used by the challenger gate). */
  evaluation?: string;
  idempotencyKey?: string;
  /**
   * Register a new version even when one with the same manifest digest, metrics and evaluation id
   * exists (by default that one is returned, so a retried register never makes a twin).
   */
  newVersion?: boolean;
}

export interface PromoteInput {
  model: string;
  version: string;
  to: string;
  by?: string;
  idempotencyKey?: string;
  evaluation?: Evaluation;
  /** Compare-and-swap: lose the race (RaceLostError) unless this is the stage's champion (null: none). */
  expectedChampion?: string | null;
  /**
   * A deploy to the stage left by a run that is gone is reconciled first when older than this
   * (`"15m"`; default: config `deploy.staleAfter`, 30m), or at once when its pid is gone on this host.
   */
  staleAfter?: string;
}

/**
 * What a call did: `promoted` (deployed, now champion), `rolled-back` (an earlier champion restored),
 * `pending-approval`, `gate-failed` (a gate said no), `rejected` (an approver said no),
 * `deploy-failed` (the deploy was recorded as failed, e.g. by reconcile while this call waited), or
 * `already-done`.
 */
export type PromotionOutcome =
  | 'promoted'
  | 'rolled-back'
  | 'pending-approval'
  | 'gate-failed'
  | 'deploy-failed'
  | 'already-done'
  | 'rejected';

export interface PromotionResult {
  outcome: PromotionOutcome;
  model: string;
  stage: string;
  version: string;
  gates: GateReport[];
  /** The champion this promotion replaced (archived), if any. */
  previous?: string | null;
  deploy?: DeployResult;
  approvals?: { required: number; granted: string[] };
  /** Provider tags that could not be mirrored, and what the provider noted while tagging. */
  warnings?: ProviderWarning[];
  /** Why the deploy failed, for `deploy-failed`. */
  error?: { code: string; message: string };
  /** The model's stage board right after the call (not stored in the ledger; absent on a retried call's stored result). */
  board?: StageBoard;
}

export interface ApproveInput {
  model: string;
  version: string;
  stage: string;
  by: string;
  reason?: string;
  idempotencyKey?: string;
  /**
   * The approver's SSH signature over `approvalPayload(...)` (see `signApproval`); required where
   * the stage's approvals name `allowedSigners`. Approvals only: a rejection is never signed.
   */
  signature?: ApprovalSignature;
}

export interface DeployRequest {
  model: string;
  version?: string;
  stage: string;
  by?: string;
  idempotencyKey?: string;
  /** As in `PromoteInput.staleAfter`. */
  staleAfter?: string;
}

export interface RollbackInput {
  model: string;
  stage: string;
  by?: string;
  idempotencyKey?: string;
  /** As in `PromoteInput.staleAfter`. */
  staleAfter?: string;
}

export interface ChampionView {
  version: string;
  metrics: Record<string, number>;
  deployedAt?: string;
  endpoint?: string;
  refs: ProviderRefs;
  since: string;
}

export interface StageView {
  name: string;
  champion: ChampionView | null;
  /** Versions currently trying to enter the stage. */
  challengers: Array<Pick<StageEntry, 'version' | 'status' | 'since' | 'gates'>>;
  pendingApprovals: Array<{ version: string; required: number; granted: string[]; approvers: string[] }>;
  /** Champions of this stage, oldest first. */
  history: string[];
}

export interface StageBoard {
  model: string;
  stages: StageView[];
  versions: ModelVersion[];
  /** Ledger position this board was read at. */
  seq: number;
}

export interface ReconcileReport {
  model: string;
  version: string;
  stage: string;
  /** `approved` / `rejected`: the platform had decided on a version waiting for approval (recorded). */
  outcome: 'deployed' | 'failed' | 'in-progress' | 'approved' | 'rejected';
  status?: string;
}
