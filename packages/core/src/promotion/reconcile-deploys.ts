// Recovery after a crash: every `deploying` left behind is finished or failed by the deploy saga,
// with what the provider's `status` says (or by deploying again with the stored deploy key).
// Separate from reconcile.ts so that stale-deploy.ts (used by approve) needs nothing of approve.ts.
import type { DeployResult } from '../contract/provider.js';
import type { LoadedState } from '../ledger/ledger.js';
import type { ModelState, StageEntry, StageState } from '../state/types.js';
import type { DeployTicket } from './decisions/types.js';
import { failedStates, runDeploySaga } from './deploy-saga.js';
import type { PromoterRuntime } from './runtime.js';
import type { ReconcileReport } from './types.js';

function ticketFor(model: ModelState, stage: StageState, entry: StageEntry): DeployTicket {
  const replaces = entry.replaces ?? null;
  return {
    model: model.name,
    version: entry.version,
    stage: stage.name,
    refs: model.versions[entry.version]?.refs ?? {},
    replaces,
    previousRefs: (replaces && stage.entries[replaces]?.refs) || {},
    rollback: entry.rollback === true,
    gates: entry.gates,
    key: undefined,
    deployKey: entry.deployKey ?? `deploy:${model.name}:${entry.version}:${stage.name}:${entry.since}`,
  };
}

/** What the provider knows of the deploy: a final result, `in-progress`, or nothing (no `status`). */
async function ask(
  runtime: PromoterRuntime,
  ticket: DeployTicket,
): Promise<DeployResult | string | undefined> {
  const provider = runtime.options.provider;
  if (!provider?.status) return undefined;
  const input = {
    model: { name: ticket.model, version: ticket.version },
    stage: ticket.stage,
    refs: ticket.refs,
  };
  const status = await provider.status(input, runtime.context);
  if (!['deployed', 'succeeded', ...failedStates].includes(status.status.unified))
    return status.status.unified;
  return {
    status: status.status,
    refs: status.refs,
    ...(status.endpoint ? { endpoint: status.endpoint } : {}),
    warnings: [],
  };
}

/** Finishes or fails every `deploying` entry within `filter`. */
export async function reconcileDeploys(
  runtime: PromoterRuntime,
  filter: { model?: string; stage?: string } = {},
): Promise<{ loaded: LoadedState; reports: ReconcileReport[] }> {
  let loaded: LoadedState = await runtime.ledger.load();
  const models = Object.values(loaded.state.models).filter((m) => !filter.model || m.name === filter.model);
  const tickets = models.flatMap((model) =>
    Object.values(model.stages)
      .filter((stage) => !filter.stage || stage.name === filter.stage)
      .flatMap((stage) =>
        Object.values(stage.entries)
          .filter((entry) => entry.status === 'deploying')
          .map((entry) => ticketFor(model, stage, entry)),
      ),
  );
  const reports: ReconcileReport[] = [];
  for (const ticket of tickets) {
    const where = { model: ticket.model, version: ticket.version, stage: ticket.stage };
    const known = await ask(runtime, ticket);
    if (typeof known === 'string') {
      reports.push({ ...where, outcome: 'in-progress', status: known });
      continue;
    }
    try {
      loaded = (await runDeploySaga(runtime, ticket, loaded, known)).loaded;
      reports.push({ ...where, outcome: 'deployed', status: known?.status.unified ?? 'deployed' });
    } catch (error) {
      reports.push({ ...where, outcome: 'failed', status: (error as Error).message });
    }
  }
  return { loaded, reports };
}
