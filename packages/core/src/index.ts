export * from './config/errors.js';
export * from './config/load.js';
export * from './config/schema.js';
export * from './contract/index.js';
export { type ChainReport, checkLedgerChain } from './history/chain.js';
export { type CutPoint, describeCut, isPastCut, parseCutPoint } from './history/cut.js';
export {
  type ApprovalDecision,
  createHistoryBuilder,
  emptyHistoryLog,
  gateSummary,
  type HistoryLog,
  type PromotionRecord,
  promotionHistory,
  stageTenures,
  type Tenure,
} from './history/fold.js';
export {
  type BatchSource,
  historyCacheFormat,
  ledgerHistory,
  ledgerStateAt,
  ledgerTenures,
  type StageTenures,
  type StateAtResult,
  type TimeTravelOptions,
} from './history/replay-cache.js';
export * from './ledger/allowed-signers.js';
export * from './ledger/approval-signature.js';
export * from './ledger/checkpoint.js';
export * from './ledger/errors.js';
export * from './ledger/events.js';
export { FileLedger, type FileLedgerOptions, openFileLedger } from './ledger/file-ledger.js';
export type * from './ledger/ledger.js';
export { isProcessAlive, LedgerLockedError } from './ledger/lock.js';
export { createMemoryLedger } from './ledger/memory-ledger.js';
export {
  type BatchSignature,
  batchSignatureSchemaId,
  createLedgerSigner,
  type LedgerSigner,
  parseLedgerPublicKey,
} from './ledger/signing.js';
export {
  parseSshSig,
  readSshPrivateKey,
  type SshSigningKey,
  signSshSig,
  sshFingerprint,
  verifySshSig,
} from './ledger/sshsig.js';
export {
  type BatchStore,
  type LedgerTrust,
  type Snapshot,
  StoreLedger,
  snapshotFormat,
} from './ledger/store.js';
export { checkChain, parseBatch } from './ledger/verify.js';
export { assertPromoted } from './promotion/assert.js';
export { stageBoard } from './promotion/board.js';
export * from './promotion/errors.js';
export {
  type CustomGate,
  type CustomGateResult,
  type Evaluation,
  evaluateGates,
  type GateInput,
  parseThreshold,
} from './promotion/gates.js';
export { defaultActor, defaultIdempotencyKey } from './promotion/idempotency.js';
export { createPromoter, type EventListener, type Promoter } from './promotion/promoter.js';
export { approvalSignersFor, signApproval } from './promotion/signed-approval.js';
export { type TagChange, type TaggedOutcome, tagChangesFor } from './promotion/tags.js';
export * from './promotion/types.js';
export {
  type RegisterFromPathInput,
  type RegisterFromPathResult,
  registerFromPath,
} from './register/from-path.js';
export { readMetricsFile } from './register/metrics.js';
export * from './state/errors.js';
export { createReplayer, entryStatus, type Replayer, reduce, replay } from './state/reducer.js';
export { allowedTransitions, assertTransition, canTransition } from './state/transitions.js';
export * from './state/types.js';

/** Verifies a ledger's hash chain; `ok` is false and `problems` name each edited, missing or moved event. */
export async function verifyLedger(ledger: import('./ledger/ledger.js').Ledger) {
  return ledger.verify();
}

export const packageName = '@modelship/core';
export { backoffDelay, type DeliveryOptions, wantsEvent } from './notify/deliver.js';
export { createNotifiers } from './notify/from-config.js';
export {
  createSlackNotifier,
  defaultSlackEvents,
  formatSlackText,
  type SlackNotifierOptions,
} from './notify/slack.js';
export {
  createWebhookNotifier,
  signWebhook,
  type VerifyWebhookInput,
  verifyWebhookSignature,
  type WebhookNotifierOptions,
  webhookHeaders,
} from './notify/webhook.js';
