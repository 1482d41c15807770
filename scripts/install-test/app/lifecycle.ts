// The core README's lifecycle as a user's script: copied into the pack-and-install test's app,
// type-checked there with `strict` and `skipLibCheck: false` against the installed type
// declarations, compiled and run. It prints one JSON line the test reads back.
import { mkdirSync, writeFileSync } from 'node:fs';
import {
  createNotifiers,
  createPromoter,
  createProviderContext,
  loadConfig,
  openFileLedger,
  type PromotionResult,
  registerFromPath,
} from '@modelship/core';
import { createLocalProvider } from '@modelship/provider-local';

writeFileSync(
  'modelship.config.json',
  JSON.stringify({
    version: 1,
    stages: ['development', 'staging', 'production'],
    gates: { staging: { metrics: { mse: '<= 6.0' } } },
    approvals: { production: { count: 1 } },
  }),
);
const { config } = await loadConfig(process.cwd());
const context = createProviderContext();
const provider = createLocalProvider({ root: '.modelship' });
const promoter = createPromoter({
  config,
  ledger: openFileLedger('.modelship'),
  provider,
  context,
  notifiers: createNotifiers(config.notifiers, { redact: context.redact }),
});

/** A model folder as training leaves it, registered the way `modelship register --path` does. */
async function register(dir: string, slope: number, metrics: Record<string, number>) {
  mkdirSync(dir, { recursive: true });
  const model = { kind: 'linear-regression', features: ['x'], intercept: 0, coefficients: [slope] };
  writeFileSync(`${dir}/model.json`, JSON.stringify(model));
  const { version } = await registerFromPath({
    promoter,
    provider,
    context,
    model: 'churn',
    path: dir,
    metrics,
    evaluation: 'holdout-11',
  });
  return version;
}

const outcomes: Record<string, PromotionResult['outcome']> = {};
const promoteAll = async (version: string) => {
  for (const to of ['development', 'staging', 'production'])
    outcomes[`${version}→${to}`] = (
      await promoter.promote({ model: 'churn', version, to, by: 'ci' })
    ).outcome;
};

const v1 = await register('models/v1', 2, { accuracy: 0.93, mse: 4.1 });
await promoteAll(v1.id);
outcomes[`${v1.id} approved`] = (
  await promoter.approve({ model: 'churn', version: v1.id, stage: 'production', by: 'alice' })
).outcome;
const v2 = await register('models/v2', 3, { accuracy: 0.95, mse: 3.2 });
await promoteAll(v2.id);
await promoter.approve({ model: 'churn', version: v2.id, stage: 'production', by: 'alice' });
outcomes['rollback'] = (await promoter.rollback({ model: 'churn', stage: 'production' })).outcome;
const board = await promoter.status('churn');
await promoter.reconcile();
await promoter.flush();
const champions = Object.fromEntries(
  board.stages.map((stage) => [stage.name, stage.champion?.version ?? null]),
);
console.log(JSON.stringify({ outcomes, champions }));
