import type { MappedStatus, ProviderRefs } from '../contract/provider.js';

/** The process that runs a deploy: `deploy.started` records it. */
export interface DeployRunner {
  host: string;
  pid: number;
}

/** Status of one version within one stage. */
export const versionStageStatuses = [
  'registered',
  'candidate',
  'pending-approval',
  'approved',
  'deploying',
  'deployed',
  'failed',
  'rejected',
  'archived',
  'rolled-back',
] as const;
export type VersionStageStatus = (typeof versionStageStatuses)[number];

export interface GateReport {
  /** e.g. `metric accuracy`, `challenger vs champion`, `manifest`, `approvals`, `custom:drift`. */
  name: string;
  kind: 'metric' | 'challenger' | 'manifest' | 'approvals' | 'previous-stage' | 'custom';
  verdict: 'pass' | 'fail' | 'pending';
  /** The values the gate looked at, so a reader can re-check the verdict. */
  inputs: Record<string, unknown>;
  message: string;
}

/** Immutable once registered. */
export interface ModelVersion {
  model: string;
  id: string;
  number: number;
  registeredAt: string;
  metrics: Record<string, number>;
  /** Where the model artifact lives (platform URI). */
  artifact?: string;
  /** Local path of the model, used by the manifest gate. */
  path?: string;
  /** Path of the manifest file that stamps `path`. */
  manifest?: string;
  manifestDigest?: string;
  /** Id of the evaluation set the metrics were computed on. */
  evaluation?: string;
  provenance?: Record<string, unknown>;
  refs: ProviderRefs;
}

export interface Approval {
  by: string;
  at: string;
  reason?: string;
}

export interface StageEntry {
  version: string;
  status: VersionStageStatus;
  since: string;
  requestedBy?: string;
  approvalsRequired: number;
  approvers?: string[];
  approvals: Approval[];
  gates: GateReport[];
  deployedAt?: string;
  endpoint?: string;
  refs?: ProviderRefs;
  deployStatus?: MappedStatus;
  /** Set while deploying: the champion it replaces and whether this is a rollback. */
  replaces?: string | null;
  rollback?: boolean;
  /** The idempotency key the provider's deploy was called with. */
  deployKey?: string;
  /** Set while deploying: the process running the deploy, to tell a crashed run (stale-deploy.ts). */
  runner?: DeployRunner;
  error?: { code: string; message: string };
}

export interface StageState {
  name: string;
  champion: string | null;
  /** Every version that has been champion, oldest first. */
  championHistory: string[];
  entries: Record<string, StageEntry>;
}

export interface ModelState {
  name: string;
  versions: Record<string, ModelVersion>;
  stages: Record<string, StageState>;
}

export interface IdempotencyRecord {
  operation: string;
  seq: number;
  /** Set when the operation finished; a retry returns it unchanged. */
  result?: unknown;
}

export interface LedgerState {
  seq: number;
  hash: string | null;
  models: Record<string, ModelState>;
  idempotency: Record<string, IdempotencyRecord>;
}

export const emptyState: LedgerState = { seq: 0, hash: null, models: {}, idempotency: {} };
