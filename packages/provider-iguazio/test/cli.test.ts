import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveSettings } from '@modelship/core/provider-kit';
import { type MlrunEmulator, startMlrunEmulator } from '@modelship/testing-mlrun-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cliSpec } from '../src/cli.js';
import { createIguazioProvider, settingFlags, settingsSchema } from '../src/index.js';
import { accessKey, capturingContext, modelDir } from './helpers.js';

const bin = join(import.meta.dirname, '../../cli/bin/modelship-iguazio.js');
const built =
  existsSync(join(import.meta.dirname, '../../cli/dist/wrapper.js')) &&
  existsSync(join(import.meta.dirname, '../dist/cli.js'));

const resolve = (sources: Partial<Parameters<typeof resolveSettings>[1]>) =>
  resolveSettings(settingsSchema, { provider: 'iguazio', fields: settingFlags, env: {}, ...sources });
const config = (settings: Record<string, unknown>) => ({ settings, path: 'modelship.config.yaml' });

describe('cli settings (one schema for flags, environment and providers.iguazio)', () => {
  it('reads per-stage projects and functions from a flag (JSON) or the config', () => {
    expect(
      resolve({
        flags: {
          stages:
            '{"staging":{"project":"fraud-stg"},"production":{"project":"fraud-prod","function":"srv"}}',
        },
      }).stages,
    ).toEqual({
      staging: { project: 'fraud-stg' },
      production: { project: 'fraud-prod', function: 'srv' },
    });
    expect(() => resolve({ flags: { stages: '{"staging":"fraud-stg"}' } })).toThrow('--stages (staging)');
    // modelship.config.yaml's providers.iguazio.stages arrives as YAML data, camelCase keys as in the schema
    expect(
      resolve({ config: config({ stages: { production: { project: 'p-prod', function: 'srv' } } }) }).stages,
    ).toEqual({ production: { project: 'p-prod', function: 'srv' } });
  });

  it('falls back to the MLRun environment variables; a flag wins over its variable', () => {
    const settings = resolve({
      env: { MLRUN_DBPATH: 'http://api', V3IO_ACCESS_KEY: 'k', MLRUN_DEFAULT_PROJECT: 'p' },
      flags: { project: 'from-flag' },
    });
    expect(settings).toMatchObject({ apiUrl: 'http://api', accessKey: 'k', project: 'from-flag' });
    expect(settingFlags.accessKey.secret).toBe(true);
    expect(settingFlags.slackWebhook.secret).toBe(true);
  });

  it('reads environments as modelship.config.yaml hands them over, refusing secret values', () => {
    const settings = resolve({
      config: config({
        environments: { production: { apiUrlEnv: 'PROD_MLRUN_DBPATH', accessKeyEnv: 'PROD_KEY' } },
        projectSource: 'git://github.com/acme/fraud#main',
      }),
      env: { V3IO_API: 'http://v3io' },
    });
    expect(settings).toMatchObject({
      environments: { production: { apiUrlEnv: 'PROD_MLRUN_DBPATH', accessKeyEnv: 'PROD_KEY' } },
      projectSource: 'git://github.com/acme/fraud#main',
      v3ioApi: 'http://v3io',
    });
    expect(() => resolve({ config: config({ environments: { production: { accessKey: 'k' } } }) })).toThrow(
      'environments.production.accessKey: credentials are never given as values',
    );
    expect(() => resolve({ flags: { environments: '{"production":{"accessKey":"k"}}' } })).toThrow(
      'credentials are never given as values',
    );
  });

  it('refuses an unknown key in providers.iguazio, naming it and the known ones', () => {
    expect(() => resolve({ config: config({ 'function-name': 'srv' }) })).toThrow(
      /providers\.iguazio\.function-name is not a iguazio setting; known: apiUrl, .*functionName/,
    );
    expect(() => resolve({ config: config({ accessKey: 'k' }) })).toThrow(
      'is a secret and must not be in a config file; set V3IO_ACCESS_KEY',
    );
    expect(() => createIguazioProvider({ bogus: 1 } as never)).toThrow('invalid iguazio settings');
  });

  it('export without --yes and without a terminal asks for --yes', async () => {
    const provider = await cliSpec.createProvider(
      { apiUrl: 'http://127.0.0.1:9', project: 'p' },
      { env: {}, cwd: process.cwd() },
    );
    const run = cliSpec.commands?.export?.run({
      provider,
      positionals: [],
      values: { 'model-uri': 'store://models/p/clf:latest' },
      context: capturingContext().context,
    });
    await expect(run).rejects.toThrow('pass --yes');
  });
});

describe.skipIf(!built)('modelship-iguazio end to end (spawned)', () => {
  let emulator: MlrunEmulator;
  let work: string;
  let env: NodeJS.ProcessEnv;
  const run = (args: string[]) =>
    promisify(execFile)('node', [bin, ...args, '--json', '--poll-interval-ms', '5'], {
      cwd: work,
      env,
      timeout: 60_000,
    }).then(
      (r) => ({ code: 0, json: JSON.parse(r.stdout), stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        json: JSON.parse(e.stdout || '{}'),
        stderr: e.stderr,
      }),
    );

  beforeAll(async () => {
    emulator = await startMlrunEmulator({ accessKey });
    work = await mkdtemp(join(tmpdir(), 'iguazio-cli-'));
    env = {
      ...process.env,
      MLRUN_DBPATH: emulator.url,
      V3IO_ACCESS_KEY: accessKey,
      MLRUN_DEFAULT_PROJECT: 'cli-dev',
    };
  });
  afterAll(async () => {
    await emulator.close();
    await rm(work, { recursive: true, force: true });
  });

  it('--help is generated from the settings and names each environment variable', async () => {
    const { stdout } = await promisify(execFile)('node', [bin, '--help'], { cwd: work, env });
    for (const [key, field] of Object.entries(settingFlags)) {
      const flag = field as { env?: string; secret?: boolean };
      expect(stdout).toContain(flag.secret ? 'secret: never in the config file' : `config ${key}`);
      if (flag.env) expect(stdout).toContain(`env ${flag.env}`);
    }
    expect(stdout).toContain('--model-uri');
  });

  it('upload, train, tag, export and deploy', async () => {
    const model = await modelDir();
    const uploaded = await run(['upload', model.dir, '--model', 'clf', '--version', 'v1']);
    await model.cleanup();
    expect(uploaded.code).toBe(0);
    const trained = await run([
      'train',
      '--model',
      'clf',
      '--param',
      'accuracy=0.95',
      '--project-source',
      'git://github.com/acme/cli#main',
    ]);
    expect(trained.json.metrics.accuracy).toBe(0.95);
    const storeUri = trained.json.refs.storeUri as string;
    const tagged = await run([
      'tag',
      '--model',
      'clf',
      '--version',
      'v2',
      '--stage',
      'development',
      '--tag',
      'challenger',
      '--ref',
      `storeUri=${storeUri}`,
    ]);
    expect(tagged.code).toBe(0);
    const exported = await run(['export', '--model-uri', 'store://models/cli-dev/clf:challenger', '--yes']);
    expect(exported.json.path).toBe('artifacts/clf:challenger.yaml');
    const yaml = parse(await readFile(join(work, 'artifacts/clf:challenger.yaml'), 'utf8'));
    expect(yaml).toMatchObject({
      kind: 'model',
      metadata: { key: 'clf', tree: trained.json.runId },
      spec: { metrics: { accuracy: 0.95 } },
    });
    const deployed = await run([
      'deploy',
      '--model',
      'clf',
      '--version',
      'v2',
      '--stage',
      'staging',
      '--ref',
      `storeUri=${storeUri}`,
      '--stages',
      '{"staging":{"project":"cli-stg"}}',
    ]);
    expect(deployed.json.status.unified).toBe('deployed');
    for (const output of [uploaded, trained, tagged, exported, deployed])
      expect(JSON.stringify(output)).not.toContain(accessKey);
  }, 180_000);
});
