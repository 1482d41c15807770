#!/usr/bin/env node
// The SageMaker scenario end to end against a moto server this script starts and stops:
// pipeline → evaluation gate (mse <= 6.0) → model package PendingManualApproval → approval
// recorded in modelship and mirrored to SageMaker → <group>-staging → <group>-production
// (approval by the release manager) → a failing candidate rejected in both places.
// The ledger lives in the same (moto) S3 bucket. Exits non-zero on any unexpected outcome.
//   node apps/examples/sagemaker/run.mjs   (build first: npm run example:sagemaker does)
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
for (const pkg of ['core', 'manifest', 'provider-sagemaker'])
  if (!existsSync(join(repo, 'packages', pkg, 'dist', 'index.js'))) {
    console.error(
      `example: packages/${pkg} is not built; run \`npm run example:sagemaker\` (it builds first)`,
    );
    process.exit(2);
  }

const { startMotoServer } = await import('../../../scripts/moto.mjs');
const { CreateBucketCommand, PutObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
const { SageMakerClient } = await import('@aws-sdk/client-sagemaker');
const core = await import('@modelship/core');
const { createS3Ledger } = await import('@modelship/core/ledger-s3');
const { createSageMakerProvider } = await import('@modelship/provider-sagemaker');

const work = mkdtempSync(join(tmpdir(), 'modelship-sagemaker-example-'));
const log = (text) => console.log(text);
const step = (title) => log(`\n━━ ${title}`);
let moto;

function check(condition, message) {
  if (!condition) throw new Error(`example: ${message}`);
}

try {
  step('start moto (S3 + SageMaker) on 127.0.0.1');
  moto = await startMotoServer();
  log(`moto at ${moto.url}`);
  const { config } = await core.loadConfig(join(here, 'modelship.config.yaml'));
  const settings = config.providers.sagemaker;
  const aws = {
    region: 'us-east-1',
    endpoint: moto.url,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'example-dummy-secret' },
    maxAttempts: 1,
  };
  const s3 = new S3Client({ ...aws, forcePathStyle: true });
  const sageMaker = new SageMakerClient(aws);
  await s3.send(new CreateBucketCommand({ Bucket: settings.bucket }));
  const provider = createSageMakerProvider({
    ...aws,
    s3Client: s3,
    sageMakerClient: sageMaker,
    bucket: settings.bucket,
    prefix: settings.prefix,
    roleArn: settings.roleArn,
    inferenceImage: settings.inferenceImage,
    modelPackageGroup: settings.modelPackageGroup,
    pollIntervalMs: 50,
    env: {},
  });
  const context = core.createProviderContext({
    logger: core.createConsoleLogger({ level: 'info', write: (line) => log(`  │ ${line}`) }),
    secrets: [aws.credentials.secretAccessKey],
  });
  const ledger = createS3Ledger({
    client: s3,
    bucket: config.ledger.bucket,
    prefix: config.ledger.prefix,
  });
  const promoter = core.createPromoter({
    config,
    ledger,
    provider,
    context,
    env: { MODELSHIP_ACTOR: 'ci-bot' },
    captureProvenance: false,
  });

  /** What build.yml does on a push: run the pipeline, upload and register the model, ask for staging. */
  async function build(run, mse) {
    step(`build ${run}: pipeline execution, evaluation mse ${mse}`);
    // moto runs no step and writes nothing: the example plays the Evaluate step's output.
    const evaluationKey = `modelship/churn/evaluation/${run}/evaluation.json`;
    const report = { regression_metrics: { mse: { value: mse, standard_deviation: 0.4 } } };
    await s3.send(
      new PutObjectCommand({ Bucket: settings.bucket, Key: evaluationKey, Body: JSON.stringify(report) }),
    );
    const trained = await provider.train(
      {
        model: { name: 'churn' },
        params: { InputDataUrl: `s3://${settings.bucket}/data/churn.csv` },
        options: {
          pipeline: 'churn-build',
          pipelineDefinitionFile: join(here, 'pipeline.json'),
          evaluationUri: `s3://${settings.bucket}/${evaluationKey}`,
        },
        idempotencyKey: `train-${run}`,
      },
      context,
    );
    log(`pipeline ${trained.status.raw}; metrics ${JSON.stringify(trained.metrics)}`);

    const modelDir = join(work, run);
    mkdirSync(modelDir);
    writeFileSync(join(modelDir, 'model.tar.gz'), `xgboost weights of ${run}`);
    writeFileSync(join(modelDir, 'inference.py'), 'def model_fn(model_dir):\n    ...\n');
    const version = await promoter.register({
      model: 'churn',
      artifact: modelDir,
      metrics: trained.metrics,
      refs: trained.refs,
      idempotencyKey: `register-${run}`,
    });
    const uploaded = await provider.upload(
      { model: { name: 'churn', version: version.id }, path: modelDir },
      context,
    );
    log(`uploaded ${uploaded.uri} (manifest ${uploaded.manifestDigest})`);
    const tagged = await provider.tag(
      {
        model: { name: 'churn', version: version.id },
        stage: 'staging',
        tag: 'registered',
        refs: { ...trained.refs, ...uploaded.refs },
      },
      context,
    );
    log(`model package ${tagged.refs.modelPackageArn} (PendingManualApproval)`);
    return { version: version.id, refs: tagged.refs };
  }

  /** Records an approval in modelship; the Promoter mirrors it to the model registry (UpdateModelPackage). */
  const approve = (candidate, stage, by, reason) =>
    promoter.approve({ model: 'churn', version: candidate.version, stage, by, reason });

  const first = await build('run-1', 4.2);
  step(`promote ${first.version} to staging (gate mse <= 6.0, then an approval)`);
  let result = await promoter.promote({ model: 'churn', version: first.version, to: 'staging' });
  log(`outcome ${result.outcome}; gates ${result.gates.map((g) => `${g.name} ${g.verdict}`).join(', ')}`);
  check(result.outcome === 'pending-approval', `expected pending-approval, got ${result.outcome}`);

  step('ml-lead approves: UpdateModelPackage Approved, then the staging endpoint is created');
  result = await approve(first, 'staging', 'ml-lead', 'mse 4.2 <= 6.0, holdout looks right');
  log(`outcome ${result.outcome}; endpoint ${result.deploy?.endpoint} ${result.deploy?.status.raw}`);
  check(result.outcome === 'promoted' && result.deploy?.endpoint === 'churn-staging', 'staging deploy');

  step(`promote ${first.version} to production (behind the release manager)`);
  result = await promoter.promote({ model: 'churn', version: first.version, to: 'production' });
  check(result.outcome === 'pending-approval', `expected pending-approval, got ${result.outcome}`);
  result = await approve(first, 'production', 'release-manager', 'staging smoke tests green');
  log(`outcome ${result.outcome}; endpoint ${result.deploy?.endpoint} ${result.deploy?.status.raw}`);
  check(result.deploy?.endpoint === 'churn-production', 'production deploy');

  const second = await build('run-2', 7.5);
  step(`promote ${second.version} to staging: the gate says no, and SageMaker hears it`);
  result = await promoter.promote({ model: 'churn', version: second.version, to: 'staging' });
  log(`outcome ${result.outcome}; ${result.gates.map((g) => `${g.name}: ${g.message}`).join('; ')}`);
  check(result.outcome === 'gate-failed', `expected gate-failed, got ${result.outcome}`);
  await provider.tag(
    {
      model: { name: 'churn', version: second.version },
      stage: 'staging',
      tag: 'rejected',
      refs: second.refs,
      approval: { by: 'modelship-gate', reason: 'mse 7.5 > 6.0' },
    },
    context,
  );

  step('what SageMaker and the ledger now say');
  for (const stage of ['staging', 'production']) {
    const status = await provider.status({ model: { name: 'churn' }, stage }, context);
    log(`endpoint ${status.endpoint}: ${status.status.raw} on ${status.refs.endpointConfig}`);
    check(status.status.unified === 'deployed', `${stage} endpoint InService`);
  }
  const latest = await provider.status({ model: { name: 'churn' } }, context);
  log(`latest approved package: ${latest.refs.modelPackageArn}`);
  check(latest.refs.modelPackageArn === first.refs.modelPackageArn, 'latest approved is the first version');
  const board = await promoter.status('churn');
  for (const stage of board.stages)
    log(`${stage.name.padEnd(10)} champion ${stage.champion?.version ?? '-'}`);
  const verified = await core.verifyLedger(ledger);
  log(`ledger in s3://${config.ledger.bucket}/${config.ledger.prefix}: ${JSON.stringify(verified)}`);
  await promoter.flush();
  log('\nexample: done');
} catch (error) {
  console.error(`\n${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  await moto?.stop();
  rmSync(work, { recursive: true, force: true });
}
