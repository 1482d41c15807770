// The seed workflow of the SageMaker MLOps template, replayed through the CLIs as the example's
// GitHub workflows run them (apps/examples/sagemaker/workflows), against moto behind the
// endpoint-lifecycle server. Every outcome is read back with the AWS SDK, not through modelship.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeEndpointCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  UpdateEndpointCommand,
  UpdateModelPackageCommand,
} from '@aws-sdk/client-sagemaker';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, motoClients, motoUrl, setAlarm, uniqueName } from './moto.js';

const repo = resolve(import.meta.dirname, '../../..');
const bins = { modelship: 'modelship.js', sagemaker: 'modelship-sagemaker.js' };
const built = ['cli/dist/main.js', 'provider-sagemaker/dist/cli.js'].every((f) =>
  existsSync(resolve(repo, 'packages', f)),
);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe.skipIf(!built)(
  'the MLOps template seed, through modelship and modelship-sagemaker (needs dist)',
  () => {
    const { s3, sageMaker } = motoClients();
    const bucket = uniqueName('mlops-seed');
    const group = uniqueName('churn');
    const alarmName = uniqueName('churn-production-5xx');
    let dir: string;
    let env: NodeJS.ProcessEnv;

    const run = (bin: keyof typeof bins, args: string[]): Promise<Run> =>
      new Promise((done) => {
        execFile(
          process.execPath,
          [resolve(repo, 'packages/cli/bin', bins[bin]), ...args],
          { cwd: dir, env, timeout: 60_000 },
          (error, stdout, stderr) =>
            done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const ok = async (bin: keyof typeof bins, args: string[]) => {
      const result = await run(bin, args);
      expect(result.code, `${bin} ${args.join(' ')}\n${result.stderr}`).toBe(0);
      return result;
    };
    const json = async (bin: keyof typeof bins, args: string[]) =>
      JSON.parse((await ok(bin, [...args, '--json'])).stdout);
    const describeEndpoint = (stage: string) =>
      sageMaker.send(new DescribeEndpointCommand({ EndpointName: `${group}-${stage}` }));
    const packageOf = async (version: string) => {
      const listed = await sageMaker.send(new ListModelPackagesCommand({ ModelPackageGroupName: group }));
      for (const summary of listed.ModelPackageSummaryList ?? []) {
        const pkg = await sageMaker.send(
          new DescribeModelPackageCommand({ ModelPackageName: summary.ModelPackageArn }),
        );
        if (pkg.CustomerMetadataProperties?.['modelship:version'] === version) return pkg;
      }
      throw new Error(`no package carries modelship:version ${version}`);
    };
    /** The config name serving a stage → the package its model was built from. */
    const servedPackage = async (stage: string) => {
      const endpoint = await describeEndpoint(stage);
      const model = await sageMaker.send(
        new DescribeModelCommand({ ModelName: endpoint.EndpointConfigName!.replace(/-config$/, '') }),
      );
      return model.PrimaryContainer?.ModelPackageName;
    };

    /** `modelship-sagemaker tag` of a churn version, as the example workflows call it. */
    const tagArgs = (version: string, stage: string, tag: string) =>
      `tag --model churn --version ${version} --stage ${stage} --tag ${tag}`.split(' ');

    /**
     * build.yml: the pipeline trains and its RegisterModel step files the package (moto runs no
     * step, so the test plays the pipeline's writes), then register, tag registered, promote staging.
     */
    async function build(run: string, mse: number, bytes: string) {
      const trained = `modelship/churn/training/${run}/model.tar.gz`;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: trained, Body: bytes }));
      const evaluation = `modelship/churn/evaluation/${run}/evaluation.json`;
      const report = { regression_metrics: { mse: { value: mse, standard_deviation: 0.4 } } };
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: evaluation, Body: JSON.stringify(report) }));
      const train = await json('sagemaker', [
        'train',
        '--model',
        'churn',
        '--option',
        'pipeline=churn-build',
        '--option',
        `pipelineDefinitionFile=${resolve(repo, 'apps/examples/sagemaker/pipeline.json')}`,
        '--option',
        `evaluationUri=s3://${bucket}/${evaluation}`,
        '--idempotency-key',
        `train-${run}`,
      ]);
      await sageMaker.send(
        new CreateModelPackageCommand({
          ModelPackageGroupName: group,
          ModelPackageDescription: `churn from churn-build ${run}`,
          ModelApprovalStatus: 'PendingManualApproval',
          InferenceSpecification: {
            Containers: [{ Image: 'xgboost:1.7-1', ModelDataUrl: `s3://${bucket}/${trained}` }],
            SupportedContentTypes: ['text/csv'],
            SupportedResponseMIMETypes: ['text/csv'],
          },
        }),
      );
      const model = join(dir, run);
      await mkdir(model);
      await writeFile(join(model, 'model.tar.gz'), bytes); // aws s3 cp of the training output
      await writeFile(join(dir, `${run}.json`), JSON.stringify(train.metrics));
      const registered = await json('modelship', [
        'register',
        'churn',
        '--path',
        model,
        '--metrics',
        join(dir, `${run}.json`),
      ]);
      const refs = Object.entries({
        ...registered.refs,
        ...train.refs,
        modelArtifact: `s3://${bucket}/${trained}`,
      });
      await ok('sagemaker', [
        ...tagArgs(registered.version, 'staging', 'registered'),
        ...refs.flatMap(([k, v]) => ['--ref', `${k}=${v}`]),
      ]);
      return { version: registered.version as string, digest: registered.manifestDigest as string };
    }

    /** deploy.yml for one stage: mirror the approval to the registry, then record it (which deploys). */
    const approve = async (version: string, stage: string, by: string) => {
      await ok('sagemaker', [...tagArgs(version, stage, 'approved'), '--by', by]);
      return run('modelship', [
        'approve',
        'churn',
        version,
        '--stage',
        stage,
        '--by',
        by,
        '--reason',
        'looks right',
      ]);
    };

    /** A reviewer's Update status in Studio (moto clears metadata an update omits: sent back unchanged). */
    const studio = async (version: string, status: 'Approved' | 'Rejected', description: string) => {
      const pkg = await packageOf(version);
      expect(pkg.ModelApprovalStatus).toBe('PendingManualApproval');
      await sageMaker.send(
        new UpdateModelPackageCommand({
          ModelPackageArn: pkg.ModelPackageArn,
          ModelApprovalStatus: status,
          ApprovalDescription: description,
          CustomerMetadataProperties: pkg.CustomerMetadataProperties,
        }),
      );
    };

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'modelship-mlops-seed-'));
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      // The project's group exists before the first build (the template's stack creates it).
      await sageMaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
      const role = `/sagemaker/execution/${uniqueName('role')}`;
      await new SSMClient({ region: 'us-east-1', endpoint: motoUrl(), credentials, maxAttempts: 1 }).send(
        new PutParameterCommand({
          Name: role,
          Value: 'arn:aws:iam::123456789012:role/seed-execution',
          Type: 'String',
        }),
      );
      await writeFile(
        join(dir, 'modelship.config.yaml'),
        `version: 1
stages: [staging, production]
gates:
  staging: { metrics: { mse: "<= 6.0" } }
  production: { metrics: { mse: "<= 6.0" } }
approvals:
  staging: { count: 1, approvers: [ml-lead, fake-user-profile-name] } # moto's Studio user
  production: { count: 1, approvers: [release-manager] }
providers:
  sagemaker:
    bucket: ${bucket}
    roleParameter: ${role}
    inferenceImage: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1
    modelPackageGroup: ${group}
    pollIntervalMs: 10
    maxAttempts: 1
    deployment:
      traffic: ALL_AT_ONCE
      stages:
        production: { traffic: CANARY, stepPercent: 10, waitSeconds: 600, alarms: [${alarmName}] }
ledger: { type: s3, bucket: ${bucket}, prefix: modelship/ledger/ }
`,
      );
      env = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: motoUrl(),
        MODELSHIP_AWS_ENDPOINT: motoUrl(),
        MODELSHIP_ACTOR: 'ci-bot',
      };
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('build → approvals → staging → production → canary update → alarm rollback → modelship rollback', async () => {
      // v1: built, waits for staging approval, then goes all the way.
      const v1 = await build('run-1', 4.2, 'xgboost weights run-1');
      expect((await run('modelship', ['promote', 'churn', v1.version, '--to', 'staging'])).code).toBe(4);
      // The reviewer approves in Studio (Update status → Approved); the EventBridge-started deploy
      // workflow runs `modelship promote`, which records that approval and deploys staging.
      const pending = await packageOf(v1.version);
      expect(pending.ModelApprovalStatus).toBe('PendingManualApproval');
      await sageMaker.send(
        new UpdateModelPackageCommand({
          ModelPackageArn: pending.ModelPackageArn,
          ModelApprovalStatus: 'Approved',
          ApprovalDescription: 'holdout looks right',
          // moto clears metadata an update omits (SageMaker keeps it): send it back unchanged.
          CustomerMetadataProperties: pending.CustomerMetadataProperties,
        }),
      );
      const recorded = await run('modelship', ['promote', 'churn', v1.version, '--to', 'staging']);
      expect(recorded.code, recorded.stderr).toBe(0);
      const history = await json('modelship', ['history', 'churn']);
      expect(history.events).toContainEqual(
        expect.objectContaining({
          type: 'approval.granted',
          version: v1.version,
          by: 'fake-user-profile-name',
        }),
      );
      expect((await run('modelship', ['promote', 'churn', v1.version, '--to', 'production'])).code).toBe(4);
      expect((await approve(v1.version, 'production', 'release-manager')).code).toBe(0);

      // One package per build: the pipeline's, adopted; its bytes are the registered version's.
      const p1 = await packageOf(v1.version);
      expect(p1.ModelApprovalStatus).toBe('Approved');
      expect(p1.CustomerMetadataProperties?.['modelship:manifest-digest']).toBe(v1.digest);
      const url = p1.InferenceSpecification!.Containers![0]!.ModelDataUrl!;
      const object = await s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: url.replace(`s3://${bucket}/`, '') }),
      );
      const sha = createHash('sha256')
        .update(await object.Body!.transformToByteArray())
        .digest('hex');
      expect(sha).toBe(createHash('sha256').update('xgboost weights run-1').digest('hex'));
      expect(await servedPackage('staging')).toBe(p1.ModelPackageArn);
      expect(await servedPackage('production')).toBe(p1.ModelPackageArn);

      // v2: production is updated with the canary policy of the config.
      const v2 = await build('run-2', 3.9, 'xgboost weights run-2');
      await run('modelship', ['promote', 'churn', v2.version, '--to', 'staging']);
      expect((await approve(v2.version, 'staging', 'ml-lead')).code).toBe(0);
      await run('modelship', ['promote', 'churn', v2.version, '--to', 'production']);
      expect((await approve(v2.version, 'production', 'release-manager')).code).toBe(0);
      const production = await describeEndpoint('production');
      expect(production.LastDeploymentConfig).toMatchObject({
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: {
            Type: 'CANARY',
            WaitIntervalInSeconds: 600,
            CanarySize: { Value: 10 },
          },
        },
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: alarmName }] },
      });
      const p2 = await packageOf(v2.version);
      expect(await servedPackage('production')).toBe(p2.ModelPackageArn);
      expect(p2.ModelPackageArn).not.toBe(p1.ModelPackageArn);

      // v3: the production alarm fires during the shift; SageMaker rolls back; modelship says failed.
      const v3 = await build('run-3', 3.5, 'xgboost weights run-3');
      await run('modelship', ['promote', 'churn', v3.version, '--to', 'staging']);
      expect((await approve(v3.version, 'staging', 'ml-lead')).code).toBe(0);
      await setAlarm(alarmName, 'ALARM');
      await run('modelship', ['promote', 'churn', v3.version, '--to', 'production']);
      const failed = await approve(v3.version, 'production', 'release-manager');
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(new RegExp(`rolled back .*Alarm ${alarmName} went into ALARM`));
      expect(await servedPackage('production')).toBe(p2.ModelPackageArn);
      const board = await json('modelship', ['status', 'churn']);
      const stage = (name: string) => board.stages.find((s: { name: string }) => s.name === name);
      expect(stage('production').champion.version).toBe(v2.version);
      await setAlarm(alarmName, 'OK');

      // v4 fails its gate: its package is Rejected with the gate summary, not left approvable.
      const v4 = await build('run-4', 7.5, 'xgboost weights run-4');
      expect((await run('modelship', ['promote', 'churn', v4.version, '--to', 'staging'])).code).toBe(1);
      expect(await packageOf(v4.version)).toMatchObject({
        ModelApprovalStatus: 'Rejected',
        ApprovalDescription: expect.stringMatching(/^rejected by modelship gates: .*mse/),
      });

      // The deploy workflow's last step: modelship rollback restores the previous champion (v1).
      const rolled = await run('modelship', ['rollback', 'churn', '--stage', 'production']);
      expect(rolled.code, rolled.stderr).toBe(0);
      expect(await servedPackage('production')).toBe(p1.ModelPackageArn);
      expect((await describeEndpoint('production')).EndpointStatus).toBe('InService');
      expect((await run('modelship', ['status', 'churn', '--check'])).code).toBe(0);

      // Someone points production at v2's config outside modelship: status --check names the drift.
      await sageMaker.send(
        new UpdateEndpointCommand({
          EndpointName: `${group}-production`,
          EndpointConfigName: `${group}-production-v${p2.ModelPackageArn!.split('/').pop()}-config`,
        }),
      );
      while ((await describeEndpoint('production')).EndpointStatus !== 'InService');
      const drift = await run('modelship', ['status', 'churn', '--check']);
      expect(drift.code).toBe(1);
      expect(drift.stdout + drift.stderr).toMatch(
        /churn production: .*has endpointConfig .*-v\d+-config, the platform serves .*-config/,
      );

      // Studio decisions are picked up wherever modelship looks: `status` records an approval
      // (and deploys staging), `approve` records a rejection first and is then refused.
      const v5 = await build('run-5', 4.0, 'xgboost weights run-5');
      expect((await run('modelship', ['promote', 'churn', v5.version, '--to', 'staging'])).code).toBe(4);
      await studio(v5.version, 'Approved', 'holdout ok in Studio');
      const seen = await json('modelship', ['status', 'churn']);
      expect(seen.stages.find((s: { name: string }) => s.name === 'staging').champion.version).toBe(
        v5.version,
      );
      expect(await servedPackage('staging')).toBe((await packageOf(v5.version)).ModelPackageArn);
      const v6 = await build('run-6', 4.1, 'xgboost weights run-6');
      expect((await run('modelship', ['promote', 'churn', v6.version, '--to', 'staging'])).code).toBe(4);
      await studio(v6.version, 'Rejected', 'bias on the holdout');
      const refused = await run('modelship', [
        'approve',
        'churn',
        v6.version,
        '--stage',
        'staging',
        '--by',
        'ml-lead',
      ]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/rejected/);
      expect((await packageOf(v6.version)).ModelApprovalStatus).toBe('Rejected');
      const events = (await json('modelship', ['history', 'churn'])).events;
      expect(events).toContainEqual(
        expect.objectContaining({
          type: 'approval.granted',
          version: v5.version,
          by: 'fake-user-profile-name',
          data: expect.objectContaining({ reason: 'holdout ok in Studio' }),
        }),
      );
      expect(events).toContainEqual(
        expect.objectContaining({
          type: 'approval.rejected',
          version: v6.version,
          by: 'fake-user-profile-name',
          data: expect.objectContaining({ reason: 'bias on the holdout' }),
        }),
      );
      // About 50 CLI runs: a few seconds each alone, far more on a machine shared by many jobs.
    }, 600_000);
  },
);
