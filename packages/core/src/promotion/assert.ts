import { ApprovalRequiredError, GateFailedError } from './errors.js';
import type { PromotionResult } from './types.js';

/**
 * For callers that want exceptions rather than outcomes (a CI step that must fail): throws
 * GateFailedError for `gate-failed` and `rejected`, ApprovalRequiredError for `pending-approval`.
 */
export function assertPromoted(result: PromotionResult): PromotionResult {
  const where = `${result.model} ${result.version} → ${result.stage}`;
  if (result.outcome === 'gate-failed' || result.outcome === 'rejected') {
    const failed = result.gates.filter((gate) => gate.verdict === 'fail');
    const reasons = failed.length
      ? failed.map((gate) => `${gate.name}: ${gate.message}`).join('; ')
      : 'rejected by an approver';
    throw new GateFailedError(`${where} was refused: ${reasons}`, result.gates, {
      details: { model: result.model, version: result.version, stage: result.stage },
    });
  }
  if (result.outcome === 'pending-approval') {
    const approvals = result.approvals;
    throw new ApprovalRequiredError(
      `${where} waits for ${approvals ? approvals.required - approvals.granted.length : 'more'} approval(s); run \`modelship approve\``,
      { details: { model: result.model, version: result.version, stage: result.stage, approvals } },
    );
  }
  return result;
}
