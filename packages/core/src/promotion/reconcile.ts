// `reconcile`: finish or fail every deploy a crash left behind (reconcile-deploys.ts), then record
// what the platform decided on versions waiting for approval (approve.ts).
import { settleWaiting } from './approve.js';
import { reconcileDeploys } from './reconcile-deploys.js';
import type { PromoterRuntime } from './runtime.js';
import type { ReconcileReport } from './types.js';

export async function reconcile(
  runtime: PromoterRuntime,
  filter: { model?: string; stage?: string } = {},
): Promise<ReconcileReport[]> {
  const deploys = await reconcileDeploys(runtime, filter);
  const settled = await settleWaiting(runtime, filter, deploys.loaded);
  return [...deploys.reports, ...settled.reports];
}
