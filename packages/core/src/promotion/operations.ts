// The Promoter's calls: each computes its keys, runs its pure decision through the commit loop,
// runs the deploy saga when the decision started a deploy, and mirrors the outcome to the
// provider's tags. Every read of the ledger happens in `commit`.
import { createHash } from 'node:crypto';
import { approvalPolicyFor, stageGatesFor } from '../config/load.js';
import type { LedgerState, ModelVersion } from '../state/types.js';
import { settle } from './approve.js';
import { commit } from './commit.js';
import { decideDeploy, deployTarget } from './decisions/deploy.js';
import { stageOf } from './decisions/guards.js';
import { decidePromote, type PromoteDecisionInput, promoteFingerprint } from './decisions/promote.js';
import { decideRegister, validateRegister } from './decisions/register.js';
import { decideRollback } from './decisions/rollback.js';
import type { Decision } from './decisions/types.js';
import { type Done, deployTicket, mirrored } from './finish.js';
import { evaluateGates, type GateOutcome } from './gates.js';
import type { PromoterRuntime } from './runtime.js';
import { recoverStaleDeploy } from './stale-deploy.js';
import { type TaggedOutcome, tagChangesFor } from './tags.js';
import type { DeployRequest, PromoteInput, PromotionResult, RegisterInput, RollbackInput } from './types.js';

export { decide } from './approve.js';
export type { Done };

export async function register(runtime: PromoterRuntime, input: RegisterInput): Promise<Done<ModelVersion>> {
  validateRegister(input);
  // Two different registrations in one CI job must not collapse into one: the default key covers the input.
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify([
        input.metrics,
        input.path,
        input.artifact,
        input.manifestDigest,
        input.refs,
        input.evaluation,
      ]),
    )
    .digest('hex')
    .slice(0, 16);
  const key = runtime.key(input.idempotencyKey, 'register', [input.model, fingerprint]);
  const provenance =
    input.provenance ??
    (runtime.options.captureProvenance === false ? undefined : await captured(runtime.env));
  const by = runtime.actor(undefined);
  const committed = await commit(runtime, {
    key,
    decide: (state) => decideRegister(state, { input, provenance, by, key }, runtime.now()),
  });
  return { result: committed.result as ModelVersion, loaded: committed.loaded };
}

export async function promote(runtime: PromoterRuntime, input: PromoteInput): Promise<Done<PromotionResult>> {
  runtime.assertStage(input.to);
  const key = runtime.key(input.idempotencyKey, 'promote', [input.model, input.version, input.to]);
  const base: PromoteDecisionInput = { ...input, by: runtime.actor(input.by), key };
  let gates: GateOutcome | undefined; // evaluated once, on the first state that needs them
  let seen: string | undefined;
  const from = await recoverStaleDeploy(runtime, { model: input.model, stage: input.to }, input.staleAfter);
  const committed = await commit(
    runtime,
    {
      key,
      decide: async (state) => {
        let decision = decidePromote(state, { ...base, gates, seen }, runtime.now());
        if (decision.kind === 'needs-gates') {
          gates = await evaluate(runtime, input, state);
          decision = decidePromote(state, { ...base, gates, seen }, runtime.now());
        }
        seen = promoteFingerprint(state, base);
        return decision as Decision<PromotionResult>;
      },
    },
    from,
  );
  if (committed.ticket) return deployTicket(runtime, committed.ticket, committed.loaded);
  const result = committed.result as PromotionResult;
  const changes = tagChangesFor(taggedPromoteOutcome(result));
  const shown = changes.length ? await mirrored(runtime, result, changes, committed.loaded.state) : result;
  if (result.outcome !== 'pending-approval') return { result: shown, loaded: committed.loaded };
  const settled = await settle(runtime, result, committed.loaded);
  return settled.done ?? { result: shown, loaded: committed.loaded };
}

/** A registry must not keep a version that failed its gates approvable by anyone in a console. */
function taggedPromoteOutcome(result: PromotionResult): TaggedOutcome {
  const at = { model: result.model, version: result.version, stage: result.stage };
  if (result.outcome === 'pending-approval') return { kind: 'pending-approval', ...at };
  if (result.outcome === 'gate-failed' && result.gates.length > 0) {
    const reason = result.gates
      .filter((gate) => gate.verdict === 'fail')
      .map((gate) => `${gate.name}: ${gate.message}`)
      .join('; ');
    return { kind: 'gate-failed', ...at, approval: { by: 'modelship gates', reason } };
  }
  return { kind: 'none', ...at };
}

function evaluate(runtime: PromoterRuntime, input: PromoteInput, state: LedgerState): Promise<GateOutcome> {
  const version = state.models[input.model]?.versions[input.version];
  if (!version) throw new Error(`unreachable: ${input.model} ${input.version} was looked up`);
  return evaluateGates(
    {
      model: input.model,
      version,
      stage: input.to,
      stages: runtime.config.stages,
      state: state.models[input.model],
      evaluation: input.evaluation,
      signal: runtime.context.signal,
    },
    stageGatesFor(runtime.config, input.model, input.to),
    approvalPolicyFor(runtime.config, input.model, input.to),
    runtime.options.gates ?? [],
  );
}

export async function deploy(runtime: PromoterRuntime, input: DeployRequest): Promise<Done<PromotionResult>> {
  runtime.assertStage(input.stage);
  const target = (state: LedgerState) => deployTarget(state, input.model, input.stage, input.version);
  const keyFor = (state: LedgerState) =>
    runtime.key(input.idempotencyKey, 'deploy', [input.model, target(state), input.stage]);
  const by = runtime.actor(input.by);
  const from = await recoverStaleDeploy(runtime, input, input.staleAfter);
  const committed = await commit(
    runtime,
    {
      key: keyFor,
      decide: (state) =>
        decideDeploy(state, { ...input, version: target(state), by, key: keyFor(state) }, runtime.now()),
    },
    from,
  );
  if (committed.ticket) return deployTicket(runtime, committed.ticket, committed.loaded);
  return { result: committed.result as PromotionResult, loaded: committed.loaded };
}

export async function rollback(
  runtime: PromoterRuntime,
  input: RollbackInput,
): Promise<Done<PromotionResult>> {
  runtime.assertStage(input.stage);
  const keyFor = (state: LedgerState) => {
    const champion = stageOf(state, input.model, input.stage)?.champion;
    return champion
      ? runtime.key(input.idempotencyKey, 'rollback', [input.model, input.stage, champion])
      : input.idempotencyKey;
  };
  const by = runtime.actor(input.by);
  const from = await recoverStaleDeploy(runtime, input, input.staleAfter);
  const committed = await commit(
    runtime,
    {
      key: keyFor,
      decide: (state) => decideRollback(state, { ...input, by, key: keyFor(state) }, runtime.now()),
    },
    from,
  );
  if (committed.ticket) return deployTicket(runtime, committed.ticket, committed.loaded);
  return { result: committed.result as PromotionResult, loaded: committed.loaded };
}

async function captured(
  env: Record<string, string | undefined>,
): Promise<Record<string, unknown> | undefined> {
  try {
    const { captureProvenance } = await import('@modelship/manifest');
    return (await captureProvenance({ env })) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
