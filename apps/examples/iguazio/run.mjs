#!/usr/bin/env node
// Iguazio / MLRun: dev → staging → production, each behind a human approval, against the MLRun API
// emulator. Every step is a real `modelship` / `modelship-iguazio` process as the GitHub workflows in
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

const accessKey = 'igz-example-access-key-7f3a';
const mlrun = await startMlrunEmulator({ accessKey, workflowPolls: 2, deployPolls: 1 });
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
  MLRUN_DBPATH: mlrun.url,
  V3IO_ACCESS_KEY: accessKey,
  MLRUN_DEFAULT_PROJECT: 'fraud-dev',
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
  await mlrun.close();
  slackSink.close();
  if (message) console.error(message);
  const leaked = output.some((line) => line.includes(accessKey) || line.includes('secret-token-9c2e'));
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

const servedModel = (project) => {
  const fn = mlrun.functions.get(
    `${project}/fraud-serving-${project.replace('fraud-', '').replace('dev', 'development').replace('prod', 'production')}`,
  );
  return fn?.body.spec.graph.routes['fraud-clf'].class_args.model_path;
};
const championTree = () => {
  const table = mlrun.artifacts('fraud-dev');
  return table.rows.find((row) => table.tagsOf(row).includes('champion'))?.tree;
};
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

async function promoteThrough(version, uri, approvers) {
  step(`ci.yaml (PR → development): gates, then the development serving function gets ${version}`);
  await run('modelship', ['promote', 'fraud-clf', version, '--to', 'development']);
  for (const [stage, project] of [
    ['staging', 'fraud-staging'],
    ['production', 'fraud-prod'],
  ]) {
    step(
      `deploy-workflow.yaml (PR → ${stage}): GitHub environment "${stage}" waits for ${approvers[stage]}; then deploy and tag champion`,
    );
    await run('modelship', ['promote', 'fraud-clf', version, '--to', stage], { expect: 4 });
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
    await check(servedModel(project) === uri, `${project}/fraud-serving-${stage} serves ${uri}`);
  }
  await run('modelship-iguazio', [
    'tag',
    '--model',
    'fraud-clf',
    '--version',
    version,
    '--stage',
    'production',
    '--tag',
    'champion',
    '--ref',
    `storeUri=${uri}`,
  ]);
}

try {
  const v1 = await trainAndExport(0.93);
  await promoteThrough(v1.version, v1.uri, { staging: 'alice', production: 'bob' });
  await check(championTree() === v1.refs.tree, `MLRun tag champion is on ${v1.version}`);

  const v2 = await trainAndExport(0.95);
  await promoteThrough(v2.version, v2.uri, { staging: 'bob', production: 'alice' });
  await check(championTree() === v2.refs.tree, `champion moved to ${v2.version} (and left ${v1.version})`);

  step('Production misbehaves: roll back to the previous champion and move the tag back');
  await run('modelship', ['rollback', 'fraud-clf', '--stage', 'production', '--by', 'alice']);
  await run('modelship-iguazio', [
    'tag',
    '--model',
    'fraud-clf',
    '--version',
    v1.version,
    '--stage',
    'production',
    '--tag',
    'champion',
    '--ref',
    `storeUri=${v1.uri}`,
  ]);
  await check(
    servedModel('fraud-prod') === v1.uri,
    `fraud-prod/fraud-serving-production serves ${v1.version} again`,
  );
  await check(championTree() === v1.refs.tree, `champion is back on ${v1.version}`);

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
    mlrun.notices.length === 2,
    `MLRun notified Slack when each train workflow completed (${mlrun.notices.length})`,
  );
  await check(
    mlrun.requests.every((r) => r.authenticated),
    'every MLRun API call carried the access key',
  );
  await finish(0);
} catch (error) {
  await finish(1, `example: ${error.stack ?? error}`);
}
