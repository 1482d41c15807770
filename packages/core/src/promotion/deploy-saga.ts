// The deploy saga: `deploy.started` is durable (the ticket says what to deploy), so call the
// provider, then record `deploy.succeeded` or `deploy.failed`. reconcile() runs the same saga with
// what the provider's `status` already knows.
import { ErrorCode, ModelshipError } from '../contract/errors.js';
import type { DeployInput, DeployResult, ProviderV1 } from '../contract/provider.js';
import type { LoadedState } from '../ledger/ledger.js';
import { type CommitContext, type Committed, commit } from './commit.js';
import { decideDeployOutcome } from './decisions/record.js';
import type { DeployTicket } from './decisions/types.js';
import type { PromoterRuntime } from './runtime.js';
import type { PromotionResult } from './types.js';

/** Unified statuses that mean the deploy did not happen. */
export const failedStates: ReadonlySet<string> = new Set(['failed', 'stopped', 'rejected']);

const recordedOnly: DeployResult = {
  status: { unified: 'deployed', raw: 'recorded' },
  refs: {},
  warnings: [],
};

export function deployInputFor(ticket: DeployTicket): DeployInput {
  return {
    model: { name: ticket.model, version: ticket.version },
    stage: ticket.stage,
    refs: ticket.refs,
    ...(ticket.replaces ? { previous: { version: ticket.replaces, refs: ticket.previousRefs } } : {}),
    ...(ticket.rollback ? { rollback: true } : {}),
    idempotencyKey: ticket.deployKey,
  };
}

async function callProvider(
  provider: ProviderV1 | undefined,
  runtime: PromoterRuntime,
  ticket: DeployTicket,
): Promise<{ deployed?: DeployResult; failure?: unknown }> {
  // Without a provider the promotion is recorded only (registry mode).
  if (!provider) return { deployed: recordedOnly };
  try {
    return { deployed: await provider.deploy(deployInputFor(ticket), runtime.context) };
  } catch (failure) {
    return { failure };
  }
}

/**
 * Deploys the ticket (unless `known` already says how it went) and records the outcome, deciding on
 * `from` first. Throws the provider's failure, redacted, once `deploy.failed` is recorded.
 */
export async function runDeploySaga(
  runtime: PromoterRuntime & CommitContext,
  ticket: DeployTicket,
  from: LoadedState | undefined,
  known?: DeployResult,
): Promise<Committed<PromotionResult>> {
  let { deployed, failure } = known
    ? { deployed: known }
    : await callProvider(runtime.options.provider, runtime, ticket);
  if (deployed && failedStates.has(deployed.status.unified))
    failure = new ModelshipError(
      ErrorCode.Provider,
      `deploy of ${ticket.model} ${ticket.version} to ${ticket.stage} ended ${deployed.status.raw}`,
    );
  const error = failure ? runtime.redacted(failure) : undefined;
  const by = runtime.actor(undefined);
  const recorded = await commit(
    runtime,
    {
      decide: (state) =>
        decideDeployOutcome(
          state,
          {
            ticket,
            ...(deployed ? { deployed } : {}),
            ...(error ? { failure: { code: error.code, message: error.message } } : {}),
            by,
          },
          runtime.now(),
        ),
    },
    from,
  );
  if (error) throw error;
  return recorded;
}
