#!/usr/bin/env node
// The Outerbounds "GitHub Actions on Metaflow" story, run locally against real Metaflow:
// train → upload → gate (accuracy >= 90) → tag deployment_candidate → select → production deploy
// (Argo WorkflowTemplate rendered with --only-json, S3 datastore on moto) → the run the trigger
// would start (PredictFlow verifies the model against its manifest) → a tampered model is refused.
//   node apps/examples/metaflow/run.mjs [--keep]   (build first: npm run example:metaflow does)
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const keep = process.argv.includes('--keep');
const started = Date.now();

for (const pkg of ['core', 'provider-metaflow']) {
  if (!existsSync(join(repo, 'packages', pkg, 'dist', 'index.js'))) {
    console.error(
      `example: packages/${pkg} is not built; run \`npm run example:metaflow\` (it builds first)`,
    );
    process.exit(2);
  }
}

const { createConsoleLogger, createPromoter, createProviderContext, openFileLedger } = await import(
  '@modelship/core'
);
const { createMetaflowProvider } = await import('@modelship/provider-metaflow');
const { startMotoServer } = await import('../../../scripts/moto.mjs');
const { venvBin } = await import('../../../scripts/peers.mjs');
const { CreateBucketCommand, PutObjectCommand, S3Client } = await import('@aws-sdk/client-s3');

const step = (text) => console.log(`\n== ${text} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
const check = (ok, text) => {
  if (!ok) throw new Error(`example: ${text}`);
  console.log(`   ok: ${text}`);
};

// moto accepts any key; the example's own S3 client and the flows use these.
process.env.AWS_ACCESS_KEY_ID ??= 'testing';
process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
const work = mkdtempSync(join(tmpdir(), 'modelship-metaflow-example-'));
const moto = await startMotoServer();
try {
  step(`moto S3 at ${moto.url}; workspace ${work}`);
  const bucket = 'modelship-metaflow-example';
  const s3 = new S3Client({ endpoint: moto.url, forcePathStyle: true, region: 'us-east-1' });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const file of ['evaluate_new_model_flow.py', 'predict_flow.py'])
    cpSync(join(here, file), join(work, file));
  mkdirSync(join(work, 'home', '.metaflowconfig'), { recursive: true });

  // Local metadata and datastore for runs; the S3 datastore root (on moto) for Argo and models.
  const env = {
    METAFLOW_DEFAULT_DATASTORE: 'local',
    METAFLOW_DEFAULT_METADATA: 'local',
    METAFLOW_DATASTORE_SYSROOT_LOCAL: join(work, 'sysroot'),
    METAFLOW_DATASTORE_SYSROOT_S3: `s3://${bucket}/metaflow`,
    METAFLOW_S3_ENDPOINT_URL: moto.url,
    METAFLOW_KUBERNETES_NAMESPACE: 'ml-production',
    METAFLOW_HOME: join(work, 'home', '.metaflowconfig'),
    HOME: join(work, 'home'),
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_DEFAULT_REGION: 'us-east-1',
    PYTHONPATH: join(repo, 'python'),
  };
  const provider = createMetaflowProvider({
    python: process.env.MODELSHIP_METAFLOW_PYTHON ?? venvBin('python'),
    cwd: work,
    env,
    user: 'modelship-example',
    trainFlow: 'evaluate_new_model_flow.py',
    deployFlow: 'predict_flow.py',
    modelArtifact: 'model_path',
    deployDatastore: 's3',
    onlyJson: true,
    templateDir: join(work, 'argo'),
    s3Endpoint: moto.url,
  });
  const context = createProviderContext({ logger: createConsoleLogger({ level: 'info' }) });
  const promoter = createPromoter({
    config: {
      stages: ['staging', 'production'],
      gates: { staging: { metrics: { accuracy: '>= 90' } } },
    },
    ledger: openFileLedger(join(work, '.modelship')),
    provider,
    context,
    captureProvenance: false,
  });

  async function trainAndRegister(maxDepth) {
    const trained = await provider.train(
      {
        model: { name: 'iris' },
        params: { 'max-depth': maxDepth, 'model-dir': join(work, 'models') },
        tags: ['ci'],
      },
      context,
    );
    check(
      trained.status.unified === 'succeeded',
      `${trained.runId} succeeded, accuracy ${trained.metrics.accuracy}`,
    );
    const uploaded = await provider.upload(
      { model: { name: 'iris', version: trained.runId.split('/')[1] }, path: trained.artifact },
      context,
    );
    const version = await promoter.register({
      model: 'iris',
      metrics: trained.metrics,
      artifact: uploaded.uri,
      manifestDigest: uploaded.manifestDigest,
      refs: { ...trained.refs, uri: uploaded.uri },
    });
    console.log(`   registered iris ${version.id}: ${trained.runId} → ${uploaded.uri}`);
    return { trained, uploaded, version };
  }

  step('a weak model (max-depth 1): trained, uploaded, registered — and stopped by the gate');
  const weak = await trainAndRegister(1);
  const refused = await promoter.promote({ model: 'iris', version: weak.version.id, to: 'staging' });
  check(
    refused.outcome === 'gate-failed',
    `gate refused ${weak.trained.runId} (accuracy ${weak.trained.metrics.accuracy} < 90)`,
  );

  step('a good model (max-depth 3): the gate passes and modelship tags it deployment_candidate');
  const good = await trainAndRegister(3);
  const staged = await promoter.promote({ model: 'iris', version: good.version.id, to: 'staging' });
  check(staged.outcome === 'promoted', `promoted to staging (${staged.deploy?.status.raw})`);

  step('select: newest successful deployment_candidate run that has a model, by creation time');
  const selected = await provider.select(
    { flow: 'EvaluateNewModelFlow', tag: 'deployment_candidate' },
    context,
  );
  check(selected.run?.pathspec === good.trained.runId, `selected ${selected.run?.pathspec}`);
  check(
    !(await provider.readRun(weak.trained.runId, [], context)).tags.includes('deployment_candidate'),
    'the weak run is not a candidate',
  );

  step('production: PredictFlow WorkflowTemplate rendered for Argo Workflows (no cluster here)');
  const produced = await promoter.promote({ model: 'iris', version: good.version.id, to: 'production' });
  check(produced.outcome === 'promoted', `promoted to production (${produced.deploy?.status.raw})`);
  const template = JSON.parse(readFileSync(produced.deploy.refs.templatePath, 'utf8'));
  check(
    template.kind === 'WorkflowTemplate',
    `template ${template.metadata.name} in namespace ${template.metadata.namespace}`,
  );
  for (const warning of produced.deploy.warnings) console.log(`   note: ${warning.message}`);

  step('what the trigger starts: PredictFlow with --upstream-run-id, verifying the model first');
  const predict = { flow: 'predict_flow.py', metricsArtifact: 'prediction_summary', withCard: false };
  const served = await provider.train(
    { model: { name: 'iris' }, params: { 'upstream-run-id': good.trained.runId }, options: predict },
    context,
  );
  check(
    served.status.unified === 'succeeded',
    `${served.runId} predicted ${served.metrics.rows} rows, agreement ${served.metrics.agreement}`,
  );
  check(served.metrics.verified_files === 1, 'the manifest verifier checked model.pkl');

  step('tamper with the model in S3: PredictFlow refuses to load it');
  const key = `${good.uploaded.refs.prefix}/model.pkl`;
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from('not the model') }));
  const tampered = await provider.train(
    { model: { name: 'iris' }, params: { 'upstream-run-id': good.trained.runId }, options: predict },
    context,
  );
  check(
    tampered.status.unified === 'failed',
    `${tampered.runId} failed: the verifier refused the tampered model`,
  );

  const board = await promoter.status('iris');
  console.log(`\n${JSON.stringify(board, null, 2).slice(0, 1200)}`);
  step('done');
} finally {
  await moto.stop();
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
