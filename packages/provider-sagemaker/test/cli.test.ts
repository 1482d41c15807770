import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { resolveSettings } from '@modelship/core/provider-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliSpec } from '../src/cli.js';
import { settingFlags } from '../src/flags.js';
import { settingsSchema } from '../src/settings.js';
import { credentials, motoBucket, motoClients, motoUrl, roleArn, uniqueName } from './moto.js';

const run = promisify(execFile);
const bin = resolve(import.meta.dirname, '../../cli/bin/modelship-sagemaker.js');
const built =
  existsSync(resolve(import.meta.dirname, '../../cli/dist/wrapper.js')) &&
  existsSync(resolve(import.meta.dirname, '../dist/cli.js'));

describe('settings: flags, environment and providers.sagemaker read one schema', () => {
  const resolve = (sources: Partial<Parameters<typeof resolveSettings>[1]>) =>
    resolveSettings(settingsSchema, { provider: 'sagemaker', fields: settingFlags, env: {}, ...sources });

  it('turns flags and environment into settings, flag before environment before config', () => {
    expect(
      resolve({
        flags: { bucket: 'from-flag', 'part-size': '16MiB', 'max-attempts': '1' },
        env: { MODELSHIP_SAGEMAKER_BUCKET: 'from-env', MODELSHIP_SAGEMAKER_ROLE_ARN: roleArn },
        config: {
          settings: { bucket: 'from-config', modelPackageGroup: 'churn' },
          path: 'modelship.config.yaml',
        },
      }),
    ).toEqual({
      bucket: 'from-flag',
      partSize: 16 * 1024 * 1024,
      maxAttempts: 1,
      roleArn,
      modelPackageGroup: 'churn',
    });
    expect(() => resolve({ flags: { 'upload-concurrency': 'many' } })).toThrow(
      /--upload-concurrency is "many", not a number/,
    );
    expect(() => resolve({ flags: { 'part-size': '1MiB' } })).toThrow(/--part-size.*below the S3 minimum/);
  });

  it('names an unknown config key and the known ones, and checks the deployment policy', () => {
    const config = (settings: Record<string, unknown>) => ({ settings, path: 'modelship.config.yaml' });
    expect(() => resolve({ config: config({ 'role-arn': roleArn }) })).toThrow(
      /providers\.sagemaker\.role-arn is not a sagemaker setting; known: region, endpoint.*roleArn/,
    );
    expect(() => resolve({ config: config({ deployment: { traffic: 'CANARY', stepPercent: 90 } }) })).toThrow(
      /providers\.sagemaker\.deployment \(stepPercent\)/,
    );
    expect(() =>
      resolve({ config: config({ deployment: { stages: { production: { trafic: 'CANARY' } } } }) }),
    ).toThrow(/trafic/);
  });

  it('gives every schema key flag metadata, and the env variables the README names', () => {
    expect(Object.keys(settingFlags).sort()).toEqual(Object.keys(settingsSchema.shape).sort());
    expect(settingFlags.bucket.env).toBe('MODELSHIP_SAGEMAKER_BUCKET');
    expect(settingFlags.endpoint).toMatchObject({ flag: 'aws-endpoint', env: 'MODELSHIP_AWS_ENDPOINT' });
    expect(cliSpec.settings).toBe(settingFlags);
  });
});

describe.skipIf(!built)('modelship-sagemaker --help (needs dist)', () => {
  it('lists every setting as a flag with its environment variable', async () => {
    const { stdout } = await run(process.execPath, [bin, '--help'], { env: { PATH: process.env.PATH } });
    for (const [key, field] of Object.entries(settingFlags)) {
      const flag =
        'flag' in field && field.flag ? field.flag : key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      expect(stdout).toContain(`--${flag}`);
      if ('env' in field && field.env) expect(stdout).toContain(field.env);
    }
  });
});

describe.skipIf(!built)(
  'modelship-sagemaker end to end against moto (needs dist: npx turbo run build)',
  () => {
    let dir: string;
    let env: NodeJS.ProcessEnv;
    const group = uniqueName('cli-churn');
    const cli = async (...args: string[]) => {
      const { stdout } = await run(process.execPath, [bin, ...args, '--json'], { env, timeout: 60_000 });
      return JSON.parse(stdout) as {
        refs: Record<string, string>;
        status?: { unified: string };
        skipped?: boolean;
      };
    };

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'modelship-sm-cli-'));
      await writeFile(join(dir, 'model.tar.gz'), 'weights');
      env = {
        PATH: process.env.PATH,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_REGION: 'us-east-1',
        MODELSHIP_AWS_ENDPOINT: motoUrl(),
        MODELSHIP_SAGEMAKER_BUCKET: await motoBucket(motoClients().s3),
        MODELSHIP_SAGEMAKER_ROLE_ARN: roleArn,
        MODELSHIP_SAGEMAKER_IMAGE: '123456789012.dkr.ecr.us-east-1.amazonaws.com/inference:1',
      };
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('upload → tag → approve → deploy → status, then the same upload is skipped', async () => {
      const common = [
        '--model',
        'churn',
        '--version',
        '1',
        '--model-package-group',
        group,
        '--max-attempts',
        '1',
        '--poll-interval-ms',
        '10',
      ];
      const uploaded = await cli('upload', dir, ...common);
      const refArgs = (refs: Record<string, string>) =>
        Object.entries(refs).flatMap(([k, v]) => ['--ref', `${k}=${v}`]);
      const registered = await cli(
        'tag',
        ...common,
        '--stage',
        'staging',
        '--tag',
        'registered',
        ...refArgs(uploaded.refs),
      );
      expect(registered.refs.modelPackageArn).toMatch(/model-package\//);
      const approved = await cli(
        'tag',
        ...common,
        '--stage',
        'staging',
        '--tag',
        'approved',
        '--by',
        'alice',
        '--reason',
        'mse ok',
        ...refArgs(registered.refs),
      );
      const deployed = await cli('deploy', ...common, '--stage', 'staging', ...refArgs(approved.refs));
      expect(deployed.status?.unified).toBe('deployed');
      const status = await cli('status', ...common, '--stage', 'staging');
      expect(status.refs.endpointName).toBe(`${group}-staging`);
      const latest = await cli('latest-approved', ...common);
      expect(latest.refs.modelPackageArn).toBe(registered.refs.modelPackageArn);
      expect((await cli('upload', dir, ...common)).skipped).toBe(true);
    });

    it('reads providers.sagemaker with the schema keys, and names an old flag-style key', async () => {
      const project = await mkdtemp(join(tmpdir(), 'modelship-sm-config-'));
      try {
        await writeFile(
          join(project, 'modelship.config.yaml'),
          `version: 1\nstages: [staging]\nproviders:\n  sagemaker:\n    modelPackageGroup: ${group}\n    maxAttempts: 1\n`,
        );
        const { stdout } = await run(
          process.execPath,
          [bin, 'latest-approved', '--model', 'churn', '--json'],
          {
            env,
            cwd: project,
            timeout: 60_000,
          },
        );
        expect(JSON.parse(stdout).refs.modelPackageGroup).toBe(group);
        await writeFile(
          join(project, 'modelship.config.yaml'),
          'version: 1\nstages: [staging]\nproviders:\n  sagemaker:\n    model-package-group: churn\n',
        );
        const error = (await run(process.execPath, [bin, 'latest-approved', '--model', 'churn'], {
          env,
          cwd: project,
          timeout: 60_000,
        }).catch((e: unknown) => e)) as { code: number; stderr: string };
        expect(error.code).not.toBe(0);
        expect(error.stderr).toMatch(
          /providers\.sagemaker\.model-package-group is not a sagemaker setting; known: .*modelPackageGroup/,
        );
      } finally {
        await rm(project, { recursive: true, force: true });
      }
    });

    it('exits non-zero with a clear message and no secret when the bucket is missing', async () => {
      const error = (await run(
        process.execPath,
        [bin, 'upload', dir, '--model', 'm', '--bucket', 'no-such-bucket-xyz', '--max-attempts', '1'],
        { env, timeout: 60_000 },
      ).catch((e: unknown) => e)) as {
        code: number;
        stderr: string;
      };
      expect(error.code).not.toBe(0);
      expect(error.stderr).toMatch(/no-such-bucket-xyz/);
      expect(error.stderr).not.toContain(credentials.secretAccessKey);
    });
  },
);
