#!/usr/bin/env node
// Iguazio / MLRun: dev → staging → production, each behind a human approval and each its own MLRun
// cluster (three API emulators, three access keys). Every step is a real `modelship` / `modelship-iguazio` process as the GitHub workflows in
// .github/workflows run them; Slack notices go to a loopback webhook through modelship's notifiers.
//   node apps/examples/iguazio/run.mjs [--keep]   (build first: npm run example:iguazio does)
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const bin = (name) => join(repo, 'packages', 'cli', 'bin', `${name}.js`);
const keep = process.argv.includes('--keep');
for (const built of ['packages/cli/dist/main.js', 'packages/testing/mlrun-emulator/dist/index.js']) {
  if (!existsSync(join(repo, built))) {
    console.error(`example: ${built} is missing; run \`npm run example:iguazio\` (it builds first)`);
    process.exit(2);
  }
}
const { startMlrunEmulator } = await import('@modelship/testing-mlrun-emulator');

const keys = {
  development: 'igz-example-dev-key-7f3a',
  staging: 'igz-example-stg-key-2b8c',
  production: 'igz-example-prod-key-5d1e',
};
const clusters = {};
for (const [stage, accessKey] of Object.entries(keys))
  clusters[stage] = await startMlrunEmulator({ accessKey, workflowPolls: 2, deployPolls: 1 });
const projects = { development: 'fraud-dev', staging: 'fraud-staging', production: 'fraud-prod' };
const slack = [];
const slackSink = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    slack.push({ path: req.url, text: JSON.parse(body || '{}').text ?? '' });
    res.end('ok');
  });
});
await new Promise((resolve) => slackSink.listen(0, '127.0.0.1', resolve));
const webhook = `http://127.0.0.1:${slackSink.address().port}/services/T0EXAMPLE/B0EXAMPLE/secret-token-9c2e`;

const work = mkdtempSync(join(tmpdir(), 'modelship-iguazio-'));
copyFileSync(join(here, 'modelship.config.yaml'), join(work, 'modelship.config.yaml'));
const env = {
  ...process.env,
  MLRUN_DBPATH: clusters.development.url,
  V3IO_ACCESS_KEY: keys.development,
  V3IO_API: clusters.development.v3ioUrl,
  STAGING_MLRUN_DBPATH: clusters.staging.url,
  STAGING_V3IO_ACCESS_KEY: keys.staging,
  STAGING_V3IO_API: clusters.staging.v3ioUrl,
  PROD_MLRUN_DBPATH: clusters.production.url,
  PROD_V3IO_ACCESS_KEY: keys.production,
  PROD_V3IO_API: clusters.production.v3ioUrl,
  SLACK_WEBHOOK_URL: webhook,
  MODELSHIP_ACTOR: 'ci-bot',
  GITHUB_ACTIONS: '',
  FORCE_COLOR: '0',
};
const output = [];

/** Runs a node script without blocking this process: the emulator answers from this event loop. */
function spawnNode(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
const log = (line) => {
  output.push(line);
  console.log(line);
};

async function finish(code, message) {
  await Promise.all(Object.values(clusters).map((cluster) => cluster.close()));
  slackSink.close();
  if (message) console.error(message);
  const secrets = [...Object.values(keys), 'secret-token-9c2e'];
  const leaked = output.some((line) => secrets.some((secret) => line.includes(secret)));
  if (leaked) {
    console.error('example: a secret appeared in the output');
    code = 1;
  }
  if (!keep) rmSync(work, { recursive: true, force: true });
  else console.log(`kept the example directory: ${work}`);
  process.exit(code);
}
process.once('SIGINT', () => void finish(130, 'example: interrupted'));

function step(title) {
  log(`\n━━ ${title}`);
}

/** Runs one CLI command as a workflow step would, insisting on the expected exit code. */
async function run(name, args, { expect = 0, json = false } = {}) {
  log(`$ ${[name, ...args].join(' ')}`);
  const result = await spawnNode([bin(name), ...args, ...(json ? ['--json'] : [])]);
  if (!json && result.stdout.trim()) log(result.stdout.trimEnd());
  if (result.stderr.trim()) log(result.stderr.trimEnd().replace(/^/gm, '  │ '));
  log(`  → exit ${result.status}${expect === 0 ? '' : ` (expected ${expect})`}`);
  if (result.status !== expect)
    await finish(1, `example: \`${name} ${args.join(' ')}\` exited ${result.status}, expected ${expect}`);
  return json ? JSON.parse(result.stdout) : result.stdout;
}

/** What the stage's serving function serves, read from that stage's own cluster. */
const servedModel = (stage) =>
  clusters[stage].functions.get(`${projects[stage]}/fraud-serving-${stage}`)?.body.spec.graph.routes[
    'fraud-clf'
  ].class_args.model_path;
/** The tree holding the `champion` tag in the stage's own cluster. */
const championTree = (stage) => {
  const table = clusters[stage].artifacts(projects[stage]);
  return table.rows.find((row) => table.tagsOf(row).includes('champion'))?.tree;
};
const servedUri = (stage, tree) => `store://models/${projects[stage]}/fraud-clf#0@${tree}`;
const check = async (ok, what) => {
  log(`  ${ok ? '✓' : '✗'} ${what}`);
  if (!ok) await finish(1, `example: check failed: ${what}`);
};

async function trainAndExport(accuracy) {
  step(
    `train-workflow.yaml: the MLRun \`train\` workflow logs a model (accuracy ${accuracy}); modelship registers it`,
  );
  const trained = await run(
    'modelship',
    [
      'train',
      'fraud-clf',
      '--register',
      '--param',
      `accuracy=${accuracy}`,
      '--option',
      'source=git://github.com/acme/fraud#main',
    ],
    { json: true },
  );
  log(`  registered ${trained.version}: ${trained.uri} metrics ${JSON.stringify(trained.metrics)}`);
  step(`The data scientist exports it as challenger (project_export, confirmation replaced by --yes in CI)`);
  await run('modelship-iguazio', ['export', '--model-uri', trained.uri, '--tag', 'challenger', '--yes']);
  await run('modelship-iguazio', [
    'tag',
    '--model',
    'fraud-clf',
    '--version',
    trained.version,
    '--stage',
    'development',
    '--tag',
    'challenger',
    '--ref',
    `storeUri=${trained.uri}`,
  ]);
  await check(
    readFileSync(join(work, 'artifacts', 'fraud-clf:challenger.yaml'), 'utf8').includes(trained.refs.tree),
    `artifacts/fraud-clf:challenger.yaml holds tree ${trained.refs.tree}`,
  );
  return trained;
}

const tagChampion = (version, stage, uri) =>
  run('modelship-iguazio', [
    'tag',
    '--model',
    'fraud-clf',
    '--version',
    version,
    '--stage',
    stage,
    '--tag',
    'champion',
    '--ref',
    `storeUri=${uri}`,
  ]);

async function promoteThrough(version, uri, tree, approvers) {
  step(`ci.yaml (PR → development): gates, then the development serving function gets ${version}`);
  await run('modelship', ['promote', 'fraud-clf', version, '--to', 'development']);
  await tagChampion(version, 'development', uri);
  for (const stage of ['staging', 'production']) {
    step(
      `deploy-workflow.yaml (PR → ${stage}): GitHub environment "${stage}" waits for ${approvers[stage]}; the model crosses into the ${stage} cluster; then champion`,
    );
    await run('modelship', ['promote', 'fraud-clf', version, '--to', stage], { expect: 4 });
    await run('modelship', ['approve', 'fraud-clf', version, '--stage', stage, '--by', 'mallory'], {
      expect: 5,
    });
    await run('modelship', [
      'approve',
      'fraud-clf',
      version,
      '--stage',
      stage,
      '--by',
      approvers[stage],
      '--reason',
      `GitHub environment ${stage} approved`,
    ]);
    await tagChampion(version, stage, uri);
    await check(
      servedModel(stage) === servedUri(stage, tree),
      `${projects[stage]}/fraud-serving-${stage} serves its own copy ${servedUri(stage, tree)}`,
    );
    await check(championTree(stage) === tree, `champion is on ${version} in the ${stage} cluster`);
  }
}

try {
  const v1 = await trainAndExport(0.93);
  await promoteThrough(v1.version, v1.uri, v1.refs.tree, { staging: 'alice', production: 'bob' });

  const v2 = await trainAndExport(0.95);
  await promoteThrough(v2.version, v2.uri, v2.refs.tree, { staging: 'bob', production: 'alice' });
  await check(
    clusters.production.artifacts('fraud-prod').find({ key: 'fraud-clf' }).length === 2,
    'production holds its own copies of v1 and v2, imported from development',
  );

  step('Production misbehaves: roll back to the previous champion and move the tag back');
  await run('modelship', ['rollback', 'fraud-clf', '--stage', 'production', '--by', 'alice']);
  await tagChampion(v1.version, 'production', v1.uri);
  await check(
    servedModel('production') === servedUri('production', v1.refs.tree),
    `fraud-prod/fraud-serving-production serves ${v1.version} again`,
  );
  await check(championTree('production') === v1.refs.tree, `champion is back on ${v1.version} in production`);
  await check(championTree('staging') === v2.refs.tree, `staging keeps ${v2.version} as its champion`);

  step('The board, and what Slack heard');
  await run('modelship', ['status', 'fraud-clf']);
  const starts = slack.filter((n) => n.text.startsWith('deploy.started')).length;
  const ends = slack.filter((n) => n.text.startsWith(':rocket:')).length;
  for (const notice of slack) log(`  slack ← ${notice.text}`);
  await check(
    starts === 7 && ends === 7,
    `7 deploys, each announced at start and end through modelship's notifier (${starts}/${ends})`,
  );
  await check(
    clusters.development.notices.length === 2,
    `MLRun notified Slack when each train workflow completed (${clusters.development.notices.length})`,
  );
  await check(
    Object.values(clusters).every((cluster) => cluster.requests.every((r) => r.authenticated)),
    "every call to each cluster carried that cluster's own access key",
  );
  await finish(0);
} catch (error) {
  await finish(1, `example: ${error.stack ?? error}`);
}
