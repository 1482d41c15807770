// A stage left `deploying` by a run that is gone (a killed CI job, a crashed laptop) would make every
// later promote of that stage lose with exit 3 forever. So before promote, deploy, rollback and
// approve touch a stage, an entry whose run is gone is reconciled (reconcile.ts: the provider's
// status, else the deploy again under its stored key) and the call then proceeds. A run is gone
// when its pid no longer exists on this host, or when it has been deploying longer than
// `deploy.staleAfter`.
import { durationMs } from '../config/schema.js';
import { InvalidInputError } from '../contract/errors.js';
import type { LoadedState } from '../ledger/ledger.js';
import { isProcessAlive } from '../ledger/lock.js';
import type { DeployRunner, StageEntry } from '../state/types.js';
import { RaceLostError } from './errors.js';
import { reconcileDeploys } from './reconcile-deploys.js';
import type { PromoterRuntime } from './runtime.js';

export type Staleness = { stale: true; why: string } | { stale: false; until: string };

/** Whether the run that left `entry` deploying is gone; pure but for `alive`. */
export function deployStaleness(
  entry: Pick<StageEntry, 'since' | 'runner'>,
  now: Date,
  staleAfterMs: number,
  here: Pick<DeployRunner, 'host'>,
  alive: (pid: number) => boolean = isProcessAlive,
): Staleness {
  const runner = entry.runner;
  if (runner && runner.host === here.host && !alive(runner.pid))
    return { stale: true, why: `the process that ran it (pid ${runner.pid} on this host) is gone` };
  const since = Date.parse(entry.since);
  if (now.getTime() - since >= staleAfterMs)
    return { stale: true, why: `it has been deploying since ${entry.since}, longer than deploy.staleAfter` };
  return { stale: false, until: new Date(since + staleAfterMs).toISOString() };
}

/** `staleAfter` of the call, else of the config, in milliseconds; names the bad value. */
export function staleAfterMs(runtime: PromoterRuntime, staleAfter: string | undefined): number {
  const text = staleAfter ?? runtime.config.deploy.staleAfter;
  try {
    return durationMs(text);
  } catch (error) {
    const where = staleAfter === undefined ? 'deploy.staleAfter' : '--stale-after';
    throw new InvalidInputError(`${where}: ${(error as Error).message}`);
  }
}

/**
 * Reconciles a deploy of `model` to `stage` whose run is gone, so the call can proceed; a deploy
 * that may still be running is left alone (the decision then loses with a message naming
 * `modelship reconcile`). Returns the state to decide on when nothing changed.
 */
export async function recoverStaleDeploy(
  runtime: PromoterRuntime,
  where: { model: string; stage: string },
  staleAfter: string | undefined,
  from?: LoadedState,
): Promise<LoadedState | undefined> {
  const afterMs = staleAfterMs(runtime, staleAfter);
  const loaded = from ?? (await runtime.ledger.load());
  const entries = Object.values(loaded.state.models[where.model]?.stages[where.stage]?.entries ?? {});
  const now = new Date(runtime.now());
  const stale = entries
    .filter((entry) => entry.status === 'deploying')
    .map((entry) => ({ entry, staleness: deployStaleness(entry, now, afterMs, runtime.runner) }))
    .filter((found) => found.staleness.stale);
  if (!stale.length) return loaded;
  const clear = `modelship reconcile ${where.model} --stage ${where.stage}`;
  for (const { entry, staleness } of stale)
    runtime.context.logger.warn(
      `${where.model} ${entry.version} was left deploying to ${where.stage} (${staleness.stale ? staleness.why : ''}); reconciling it first`,
    );
  // Deploys only: recording the platform's approvals (reconcile's second half) would approve, and
  // an approve comes back here.
  const { reports } = await reconcileDeploys(runtime, where);
  for (const report of reports) {
    if (report.outcome === 'in-progress')
      throw new RaceLostError(
        `${where.model} ${report.version} is still deploying to ${where.stage} on the platform (status ${report.status}); retry when it has finished, or run \`${clear}\` then`,
        { isRetryable: true, details: { ...where, deploying: report.version } },
      );
    if (report.outcome === 'failed')
      runtime.context.logger.warn(
        `${where.model} ${report.version}: its interrupted deploy to ${where.stage} is recorded as failed (${report.status})`,
      );
  }
  return undefined;
}
