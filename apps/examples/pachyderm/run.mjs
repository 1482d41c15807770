#!/usr/bin/env node
// The Pachyderm scenario of pachyderm/pachyderm-gha, end to end against the pachctl double:
// data commit → push (image tagged with the git SHA, pipeline spec retagged, `update pipeline`)
// → model commit with lineage → registered and promoted through modelship's ledger → a data
// update (housing-simplified-2.csv) retrains by itself → new version with lineage to both data
// commits → promotion → rollback. Every pachctl call is a real process (the double).
//   node apps/examples/pachyderm/run.mjs [--keep]   (build first: npm run example:pachyderm does)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const keep = process.argv.includes('--keep');
for (const pkg of ['core', 'provider-pachyderm', 'testing/pachctl-double']) {
  if (!existsSync(join(repo, 'packages', pkg, 'dist', 'index.js'))) {
    console.error(
      `example: packages/${pkg} is not built; run \`npm run example:pachyderm\` (it builds first)`,
    );
    process.exit(2);
  }
}
const { createPachydermProvider } = await import('@modelship/provider-pachyderm');
const { startPachctlDouble } = await import('@modelship/testing-pachctl-double');
const { createConsoleLogger, createPromoter, createProviderContext, openFileLedger } = await import(
  '@modelship/core'
);

const work = mkdtempSync(join(tmpdir(), 'modelship-pachyderm-'));
const token = 'pachyderm-example-token-0123456789';
const double = startPachctlDouble({ authToken: token });
cpSync(join(here, 'regression.json'), join(work, 'regression.json'));
cpSync(join(here, 'image'), join(work, 'image'), { recursive: true });

const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const step = (title) => console.log(`\n${bold(`━━ ${title}`)}`);
function finish(code, message) {
  if (message) console.error(message);
  if (keep) console.log(`kept ${work} and the double's state ${double.stateDir}`);
  else {
    rmSync(work, { recursive: true, force: true });
    double.cleanup();
  }
  process.exit(code);
}
function check(condition, message) {
  if (!condition) finish(1, `example: ${message}`);
}

/** Stages a data set as /housing.csv, the one file the housing_data repo holds. */
function dataDir(csv) {
  const dir = join(work, 'upload', csv.replace('.csv', ''));
  mkdirSync(dir, { recursive: true });
  cpSync(join(here, 'data', csv), join(dir, 'housing.csv'));
  return dir;
}

const logger = createConsoleLogger({ level: 'info', write: (line) => console.log(`  │ ${line}`) });
const context = createProviderContext({ logger, secrets: [token] });
const providerFor = (sha) =>
  createPachydermProvider({
    pachctl: double.pachctl,
    env: double.env,
    authToken: token,
    image: 'acme/housing-prices',
    imageTag: sha,
    pipelineSpecs: [join(work, 'regression.json')],
    dataRepo: 'housing_data',
    modelRepo: 'regression',
    // In CI these are `docker build` and `docker push`; the double's registry stands in for both.
    build: [
      { command: double.pachctl, args: ['push-image', '{image}', join(work, 'image')], env: double.env },
    ],
    pollIntervalMs: 100,
    environment: {},
  });
const config = {
  version: 1,
  stages: ['staging', 'production'],
  gates: { staging: { metrics: { r2: '>= 0.6' } }, production: { metrics: { r2: '>= 0.6' } } },
};
const promoterFor = (provider) =>
  createPromoter({
    config,
    ledger: openFileLedger(join(work, '.modelship')),
    provider,
    context,
    env: { MODELSHIP_ACTOR: 'ci-bot' },
    captureProvenance: false,
  });

async function registerModel(promoter, provider, trained) {
  const lineage = await provider.lineage({ commit: trained.refs.commit }, context);
  const version = await promoter.register({
    model: 'housing',
    artifact: trained.artifact,
    metrics: trained.metrics,
    refs: trained.refs,
    provenance: { pachyderm: lineage },
  });
  console.log(
    `registered ${version.id}: ${trained.artifact} r2=${trained.metrics.r2.toFixed(4)} rows=${trained.metrics.rows}`,
  );
  console.log(
    `  lineage: data ${lineage.data.map((d) => `${d.repo}@${d.commit} (parent ${d.parent ?? 'none'})`).join(', ')}`,
  );
  console.log(
    `           code ${lineage.code.map((c) => `${c.repo}@${c.commit} = ${c.image} (git ${c.gitSha})`).join(', ')}`,
  );
  return { version: version.id, lineage };
}

async function promote(promoter, version, to) {
  const result = await promoter.promote({ model: 'housing', version, to });
  console.log(
    `promote ${version} → ${to}: ${result.outcome}${result.deploy ? ` (${result.deploy.status.raw})` : ''}`,
  );
  check(result.outcome === 'promoted', `promotion of ${version} to ${to} ended ${result.outcome}`);
}

try {
  const sha1 = 'a3f1c2d4e5b60718293a4b5c6d7e8f9012345678';
  const provider = providerFor(sha1);
  const promoter = promoterFor(provider);

  step(
    '1. Data arrives: housing-simplified-1.csv committed to housing_data (manifest to modelship_manifests)',
  );
  const first = await provider.upload(
    { model: { name: 'housing-data' }, path: dataDir('housing-simplified-1.csv') },
    context,
  );
  console.log(`data commit ${first.uri} (${first.manifestDigest})`);

  step(
    `2. Push ${sha1.slice(0, 7)}: build acme/housing-prices:${sha1.slice(0, 7)}…, retag regression.json, update pipeline, wait for the job`,
  );
  const trained1 = await provider.train({ model: { name: 'housing' } }, context);
  for (const warning of trained1.warnings) console.log(`  warning: ${warning.message}`);
  const v1 = await registerModel(promoter, provider, trained1);
  check(v1.lineage.data[0]?.commit === first.refs.commit, 'v1 does not descend from the first data commit');

  step(
    '3. Promote v1 to staging and production: branches regression@staging / regression@production move to it',
  );
  await promote(promoter, v1.version, 'staging');
  await promote(promoter, v1.version, 'production');

  step('4. More data: housing-simplified-2.csv replaces housing.csv; the pipeline retrains by itself');
  const second = await provider.upload(
    { model: { name: 'housing-data' }, path: dataDir('housing-simplified-2.csv') },
    context,
  );
  console.log(`data commit ${second.uri}`);
  // Global IDs: the job the data commit triggered, and the model commit it writes, share its id.
  const trained2 = await provider.train(
    { model: { name: 'housing' }, options: { commit: second.refs.commit } },
    context,
  );
  const v2 = await registerModel(promoter, provider, trained2);
  check(v2.lineage.data[0]?.commit === second.refs.commit, 'v2 does not descend from the second data commit');
  check(v2.lineage.data[0]?.parent === first.refs.commit, 'v2 lineage does not reach the first data commit');
  check(trained2.metrics.rows > trained1.metrics.rows, 'v2 was not trained on more rows');
  // v2 was retrained by the data commit alone; its lineage still reaches the image and the git commit.
  check(v2.lineage.code[0]?.gitSha === sha1, 'v2 lineage does not reach the git SHA');
  check(trained2.refs.image === `acme/housing-prices:${sha1}`, 'v2 refs do not name the image');

  step('5. Promote v2; then roll production back to v1');
  await promote(promoter, v2.version, 'staging');
  await promote(promoter, v2.version, 'production');
  const rolled = await promoter.rollback({ model: 'housing', stage: 'production' });
  console.log(`rollback production: ${rolled.outcome} → ${rolled.version} (${rolled.deploy?.status.raw})`);
  const status = await provider.status({ model: { name: 'housing' }, stage: 'production' }, context);
  check(status.refs.commit === trained1.refs.commit, 'production does not point at v1 after the rollback');
  console.log(`regression@production = ${status.refs.commit} (v1's model commit)`);

  step('6. The ledger: every version carries its Pachyderm lineage');
  const board = await promoter.status('housing');
  for (const version of board.versions) {
    const lineage = version.provenance?.pachyderm;
    console.log(
      `${version.id}: ${version.refs.repo}@${version.refs.commit} ← ${lineage.data.map((d) => `${d.repo}@${d.commit.slice(0, 8)}`).join(', ')} + ${lineage.code.map((c) => `${c.repo}@${c.commit.slice(0, 8)}`).join(', ')}`,
    );
  }
  const verified = await promoter.ledger.verify();
  check(verified.ok, `ledger does not verify: ${JSON.stringify(verified)}`);
  console.log(`ledger: ${(await promoter.history('housing')).length} events, hash chain verified`);
  await promoter.flush();

  step("7. v2's model commit as pachctl shows it: the stages are in its metadata");
  const shown = spawnSync(
    double.pachctl,
    ['inspect', 'commit', `regression@${trained2.refs.commit}`, '--raw'],
    {
      env: { ...process.env, ...double.env },
      encoding: 'utf8',
    },
  );
  console.log(JSON.stringify(JSON.parse(shown.stdout).metadata));
  finish(0);
} catch (error) {
  finish(1, `example failed: ${error?.stack ?? error}`);
}
