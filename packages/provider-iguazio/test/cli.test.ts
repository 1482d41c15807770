import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type MlrunEmulator, startMlrunEmulator } from '@modelship/testing-mlrun-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cliSpec, settingsFromArgs, stagesFromArgs } from '../src/cli.js';
import { accessKey, capturingContext, modelDir } from './helpers.js';

const bin = join(import.meta.dirname, '../../cli/bin/modelship-iguazio.js');
const built =
  existsSync(join(import.meta.dirname, '../../cli/dist/wrapper.js')) &&
  existsSync(join(import.meta.dirname, '../dist/cli.js'));

describe('cli arguments', () => {
  it('reads per-stage projects and functions', () => {
    expect(
      stagesFromArgs({
        'stage-project': ['staging=fraud-stg', 'production=fraud-prod'],
        'stage-function': ['production=srv'],
      }),
    ).toEqual({
      staging: { project: 'fraud-stg' },
      production: { project: 'fraud-prod', function: 'srv' },
    });
    expect(() => stagesFromArgs({ 'stage-project': ['staging'] })).toThrow('must be STAGE=NAME');
    // modelship.config.yaml's providers.iguazio.stages arrives as JSON text
    expect(
      stagesFromArgs({ stages: '{"production":{"project":"p-prod"}}', 'stage-function': 'production=srv' }),
    ).toEqual({
      production: { project: 'p-prod', function: 'srv' },
    });
  });

  it('falls back to the MLRun environment variables', () => {
    const settings = settingsFromArgs(
      {},
      { MLRUN_DBPATH: 'http://api', V3IO_ACCESS_KEY: 'k', MLRUN_DEFAULT_PROJECT: 'p' },
    );
    expect(settings).toMatchObject({ apiUrl: 'http://api', accessKey: 'k', project: 'p' });
    expect(cliSpec.options['access-key']?.secret).toBe(true);
  });

  it('reads environments as modelship.config.yaml hands them over (JSON text), refusing secret values', () => {
    const settings = settingsFromArgs(
      { environments: '{"production":{"apiUrlEnv":"PROD_MLRUN_DBPATH","accessKeyEnv":"PROD_KEY"}}' },
      { V3IO_API: 'http://v3io' },
    );
    expect(settings).toMatchObject({
      environments: { production: { apiUrlEnv: 'PROD_MLRUN_DBPATH', accessKeyEnv: 'PROD_KEY' } },
      v3ioApi: 'http://v3io',
    });
    expect(() => settingsFromArgs({ environments: '{"production":{"accessKey":"k"}}' }, {})).toThrow(
      'providers.iguazio.environments.production.accessKey: credentials are never given as values',
    );
  });

  it('export without --yes and without a terminal asks for --yes', async () => {
    const provider = await cliSpec.create({ 'api-url': 'http://127.0.0.1:9', project: 'p' }, {});
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
      '--stage-project',
      'staging=cli-stg',
    ]);
    expect(deployed.json.status.unified).toBe('deployed');
    for (const output of [uploaded, trained, tagged, exported, deployed])
      expect(JSON.stringify(output)).not.toContain(accessKey);
  }, 180_000);
});
