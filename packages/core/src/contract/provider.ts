import type { Logger, ProgressReporter } from './logger.js';
import type { Redactor } from './redact.js';
import type { CommandRunner } from './runner.js';

/** What every provider call receives besides its input. Built by `createProviderContext`. */
export interface ProviderContext {
  signal: AbortSignal;
  logger: Logger;
  progress: ProgressReporter;
  redact: Redactor;
  run: CommandRunner;
  now: () => Date;
}

/** Platform states mapped onto one vocabulary; `raw` keeps what the platform said. */
export type UnifiedStatus =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'stopped'
  | 'pending-approval'
  | 'approved'
  | 'rejected'
  | 'deploying'
  | 'deployed'
  | 'unknown';

export interface MappedStatus<Raw = string> {
  unified: UnifiedStatus;
  raw: Raw;
}

/**
 * The platform's own identifiers for what a call made or touched, e.g.
 * `{ runId: 'EvaluateNewModelFlow/1699', modelPackageArn: 'arn:aws:…', commit: 'a1b2…',
 * storeUri: 'store://models/p/m:challenger', dataPath: 'data://u/algo/model_abc.pkl', endpoint: 'https://…' }`.
 * Stored in the ledger, so values must never contain secrets.
 */
export type ProviderRefs = Record<string, string>;

export interface ProviderWarning {
  type: 'unsupported' | 'skipped' | 'other';
  feature?: string;
  message: string;
}

export interface ModelRef {
  name: string;
  /** The modelship version id; absent before a version is registered (e.g. `train`). */
  version?: string;
}

interface CallInput {
  /** A retried call with the same key must return the first result and change nothing. */
  idempotencyKey?: string;
}

export interface UploadInput extends CallInput {
  model: ModelRef;
  /** A model file or directory on local disk. */
  path: string;
  /** Digest of the modelship manifest stamped for `path`, when the caller already made one. */
  manifestDigest?: string;
  metadata?: Record<string, string>;
}

export interface UploadResult {
  /** Where the model now lives, in the platform's own URI form (s3://, data://, store://, repo@commit, file://). */
  uri: string;
  refs: ProviderRefs;
  /** True when identical content was already there and nothing was transferred. */
  skipped: boolean;
  /** Digest of the manifest that was stored beside the model. */
  manifestDigest?: string;
  warnings: ProviderWarning[];
}

export interface TrainInput extends CallInput {
  model: ModelRef;
  params?: Record<string, string | number | boolean>;
  tags?: string[];
  /** Provider-specific knobs (e.g. a flow file, a pipeline name); documented by each provider. */
  options?: Record<string, unknown>;
}

export interface TrainResult {
  runId: string;
  status: MappedStatus;
  metrics: Record<string, number>;
  /** Where the trained model is: a local path the caller can upload, or a platform URI. */
  artifact?: string;
  refs: ProviderRefs;
  warnings: ProviderWarning[];
}

export interface TagInput extends CallInput {
  model: ModelRef & { version: string };
  stage: string;
  /** e.g. `champion`, `challenger`, `deployment_candidate`, `approved`, `rejected`. */
  tag: string;
  action?: 'add' | 'remove';
  /** Refs returned by earlier calls for this version. */
  refs: ProviderRefs;
  approval?: { by: string; reason?: string };
}

export interface TagResult {
  refs: ProviderRefs;
  warnings: ProviderWarning[];
}

export interface DeployInput extends CallInput {
  model: ModelRef & { version: string };
  stage: string;
  refs: ProviderRefs;
  /** What was deployed on this stage before; providers keep it restorable (blue/green). */
  previous?: { version: string; refs: ProviderRefs };
  /** True when this deploy restores `previous` (a rollback). */
  rollback?: boolean;
}

export interface DeployResult {
  status: MappedStatus;
  endpoint?: string;
  refs: ProviderRefs;
  warnings: ProviderWarning[];
}

export interface StatusInput {
  model: ModelRef;
  stage?: string;
  refs?: ProviderRefs;
}

export interface StatusResult {
  status: MappedStatus;
  endpoint?: string;
  refs: ProviderRefs;
}

export interface UndeployInput extends CallInput {
  model: ModelRef;
  stage: string;
  refs?: ProviderRefs;
}

export interface UndeployResult {
  refs: ProviderRefs;
  warnings: ProviderWarning[];
}

export interface ProviderDescription {
  name: string;
  /** Settings safe to show (secrets removed). */
  settings: Record<string, unknown>;
  capabilities: ProviderCapabilities;
}

export interface ProviderCapabilities {
  upload: boolean;
  train: boolean;
  tag: boolean;
  deploy: boolean;
  status: boolean;
  undeploy: boolean;
  describe: boolean;
  /** Deploy keeps the previous deployment restorable and accepts `rollback: true`. */
  rollback: boolean;
  /** Calls stop promptly when the context's signal aborts. */
  abort: boolean;
}

/**
 * Promotion decisions a provider can mirror as tags: `approved` / `rejected` when a stage's
 * approvals complete or one is refused (with `approval.by` naming everyone who decided), and
 * `rejected` when a version fails its gates (`approval.by` is `modelship gates`, the reason the
 * failed gates),
 * `challenger` while a version waits for approval in a stage, `champion` when it is deployed
 * there (removed from the one it replaces first).
 */
export type PromotionTag = 'champion' | 'challenger' | 'approved' | 'rejected';

/** Version 1 of the provider contract. Providers are thin factories: no side effects until called. */
export interface ProviderV1 {
  readonly specificationVersion: 'v1';
  /** Short platform name: `local`, `sagemaker`, `metaflow`, … */
  readonly name: string;
  readonly capabilities: ProviderCapabilities;
  /**
   * Tags the Promoter calls `tag` with as its decisions are recorded, so the platform's own view
   * (a registry's approval status, an alias) follows the ledger. Absent: none — on platforms
   * where tagging moves a deployment (Pachyderm branches) or builds a release (Algorithmia),
   * tags stay explicit.
   */
  readonly promotionTags?: readonly PromotionTag[];
  /**
   * Of `promotionTags`, those this provider needs mirrored *before* its `deploy` is called for the
   * same version and stage: a registry that deploys only what it has seen approved (SageMaker)
   * declares `['approved']`. Other tags are mirrored after the deploy is recorded.
   */
  readonly tagsBeforeDeploy?: readonly PromotionTag[];
  upload(input: UploadInput, context: ProviderContext): Promise<UploadResult>;
  train(input: TrainInput, context: ProviderContext): Promise<TrainResult>;
  tag(input: TagInput, context: ProviderContext): Promise<TagResult>;
  deploy(input: DeployInput, context: ProviderContext): Promise<DeployResult>;
  status?(input: StatusInput, context: ProviderContext): Promise<StatusResult>;
  undeploy?(input: UndeployInput, context: ProviderContext): Promise<UndeployResult>;
  describe?(context: ProviderContext): Promise<ProviderDescription>;
  /**
   * A decision taken on the platform, outside modelship, about a version waiting for approval in
   * a stage (a model registry's Approved/Rejected set in a console). The Promoter asks when it
   * looks at such a version and records the answer as `approval.granted` / `approval.rejected`.
   * Resolves undefined when nothing was decided there (or only what modelship mirrored itself).
   */
  externalApproval?(
    input: ExternalApprovalInput,
    context: ProviderContext,
  ): Promise<ExternalApproval | undefined>;
}

export interface ExternalApprovalInput {
  model: Required<ModelRef>;
  stage: string;
  refs: ProviderRefs;
}

export interface ExternalApproval {
  decision: 'approved' | 'rejected';
  /** Who decided, as the platform names them. */
  by: string;
  reason?: string;
  /** The platform's raw status, e.g. `Approved`. */
  raw: string;
}

export type Provider = ProviderV1;
