// Stages on separate MLRun clusters: settings, and promotion carrying the model across.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type MlrunEmulator, startMlrunEmulator } from '@modelship/testing-mlrun-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEnvironments } from '../src/environments.js';
import { createIguazioProvider, type IguazioProviderSettings } from '../src/index.js';
import { capturingContext, modelDir } from './helpers.js';

const devKey = 'igz-dev-key-5b1d2c';
const prodKey = 'igz-prod-key-9e8f7a';

describe('environments settings', () => {
  it('takes API URL, project and variable names per stage', () => {
    expect(
      checkEnvironments(
        '{"production":{"apiUrl":"https://mlrun.prod","project":"p","accessKeyEnv":"PROD_KEY"}}',
      ),
    ).toEqual({ production: { apiUrl: 'https://mlrun.prod', project: 'p', accessKeyEnv: 'PROD_KEY' } });
    expect(checkEnvironments(undefined)).toEqual({});
  });

  it.each([
    [
      { production: { accessKey: 'igz-secret' } },
      'environments.production.accessKey: credentials are never given as values',
    ],
    [
      { production: { token: 'x' } },
      'name the environment variable that holds it in environments.production.accessKeyEnv',
    ],
    [{ production: { accessKeyEnv: 'igz-0123 secret' } }, 'is not an environment variable name'],
    [
      { production: { api: 'x' } },
      'environments.production.api is not an environment setting; known: apiUrl, apiUrlEnv',
    ],
    [{ production: 'https://x' }, 'environments.production must be a map'],
  ])('refuses %j', (value, message) => {
    expect(() => checkEnvironments(value)).toThrow(message);
  });
});

describe('promotion across separate MLRun environments', () => {
  let dev: MlrunEmulator;
  let prod: MlrunEmulator;
  const { context, lines } = capturingContext();
  let settings: IguazioProviderSettings;
  const provider = () => createIguazioProvider(settings);

  beforeAll(async () => {
    [dev, prod] = await Promise.all([
      startMlrunEmulator({ accessKey: devKey }),
      startMlrunEmulator({ accessKey: prodKey }),
    ]);
    context.redact.add(devKey);
    context.redact.add(prodKey);
    settings = {
      apiUrl: dev.url,
      accessKey: devKey,
      project: 'fraud-dev',
      v3ioApi: dev.v3ioUrl,
      projectSource: 'git://github.com/acme/fraud#main',
      pollIntervalMs: 5,
      functionName: 'fraud-serving',
      environments: {
        production: {
          apiUrlEnv: 'PROD_MLRUN_DBPATH',
          project: 'fraud-prod',
          accessKeyEnv: 'PROD_V3IO_ACCESS_KEY',
          v3ioApi: prod.v3ioUrl,
        },
      },
      env: { PROD_MLRUN_DBPATH: prod.url, PROD_V3IO_ACCESS_KEY: prodKey },
    };
  });
  afterAll(async () => {
    await Promise.all([dev.close(), prod.close()]);
  });

  it('deploys an uploaded model into production by importing it there, with both URIs in the refs', async () => {
    const model = await modelDir('weights-uploaded');
    const uploaded = await provider().upload(
      { model: { name: 'clf', version: 'v1' }, path: model.dir },
      context,
    );
    const deployed = await provider().deploy(
      { model: { name: 'clf', version: 'v1' }, stage: 'production', refs: uploaded.refs },
      context,
    );
    await model.cleanup();
    const tree = uploaded.refs.tree!;
    expect(deployed.status.unified).toBe('deployed');
    expect(deployed.refs).toMatchObject({
      sourceUri: `store://models/fraud-dev/clf#0@${tree}`,
      storeUri: `store://models/fraud-prod/clf#0@${tree}`,
      environment: 'production',
      manifestDigest: uploaded.manifestDigest,
      stageProject: 'fraud-prod',
      function: 'fraud-serving-production',
    });
    const imported = prod.artifacts('fraud-prod').find({ key: 'clf', tree })[0]!;
    expect(imported.body.metadata).toMatchObject({
      project: 'fraud-prod',
      labels: {
        'modelship/source-uri': deployed.refs.sourceUri,
        'modelship/manifest-digest': uploaded.manifestDigest,
      },
    });
    const base = `projects/fraud-prod/artifacts/modelship/clf/${tree}/`;
    expect(prod.objects.get(`${base}model.pkl`)?.toString()).toBe('weights-uploaded');
    expect(prod.objects.has(`${base}modelship.manifest.json`)).toBe(true);
    const served = prod.functions.get('fraud-prod/fraud-serving-production')!.body.spec as {
      graph: { routes: { clf: { class_args: { model_path: string } } } };
    };
    expect(served.graph.routes.clf.class_args.model_path).toBe(deployed.refs.storeUri);
    // Each cluster saw only its own key, and development serves nothing.
    expect(dev.requests.every((r) => r.authenticated) && prod.requests.every((r) => r.authenticated)).toBe(
      true,
    );
    expect(dev.functions.size).toBe(0);
  });

  it('carries a model a development workflow logged (v3io files) and stamps its manifest on the way', async () => {
    const trained = await provider().train({ model: { name: 'churn' }, params: { accuracy: 0.93 } }, context);
    const deployed = await provider().deploy(
      { model: { name: 'churn', version: 'v1' }, stage: 'production', refs: trained.refs },
      context,
    );
    expect(deployed.refs.storeUri).toBe(`store://models/fraud-prod/churn#0@${trained.runId}`);
    expect(deployed.refs.manifestDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const base = `projects/fraud-prod/artifacts/modelship/churn/${trained.runId}/`;
    expect(prod.objects.get(`${base}model.pkl`)?.toString()).toContain('churn trained by train');
    const puts = prod.requests.filter((r) => !r.path.startsWith('/api/')).length;
    const again = await provider().deploy(
      { model: { name: 'churn', version: 'v1' }, stage: 'production', refs: trained.refs },
      context,
    );
    expect(again.refs.storeUri).toBe(deployed.refs.storeUri);
    expect(prod.requests.filter((r) => !r.path.startsWith('/api/')).length).toBe(puts);
  });

  it('tags and reads status in the stage environment, not in development', async () => {
    const model = await modelDir('weights-tagged');
    const uploaded = await provider().upload(
      { model: { name: 'clf', version: 'v2' }, path: model.dir },
      context,
    );
    await provider().deploy(
      { model: { name: 'clf', version: 'v2' }, stage: 'production', refs: uploaded.refs },
      context,
    );
    await model.cleanup();
    const tagged = await provider().tag(
      { model: { name: 'clf', version: 'v2' }, stage: 'production', tag: 'champion', refs: uploaded.refs },
      context,
    );
    expect(tagged.refs.tagUri).toBe('store://models/fraud-prod/clf:champion');
    const table = prod.artifacts('fraud-prod');
    expect(table.rows.filter((row) => table.tagsOf(row).includes('champion')).map((row) => row.tree)).toEqual(
      [uploaded.refs.tree],
    );
    expect(
      dev
        .artifacts('fraud-dev')
        .rows.some((row) => dev.artifacts('fraud-dev').tagsOf(row).includes('champion')),
    ).toBe(false);
    const status = await provider().status({ model: { name: 'clf' }, stage: 'production' }, context);
    expect(status.endpoint).toContain('fraud-prod-fraud-serving-production');
  });

  it('refuses a model whose files changed since it was registered', async () => {
    const model = await modelDir('weights-original');
    const uploaded = await provider().upload(
      { model: { name: 'tampered', version: 'v1' }, path: model.dir },
      context,
    );
    await writeFile(join(model.dir, 'model.pkl'), 'weights-swapped');
    await expect(
      provider().deploy(
        { model: { name: 'tampered', version: 'v1' }, stage: 'production', refs: uploaded.refs },
        context,
      ),
    ).rejects.toMatchObject({ code: 'integrity' });
    await model.cleanup();
    expect(prod.artifacts('fraud-prod').find({ key: 'tampered' })).toEqual([]);
  });

  it('verifies the files on arrival: a copy damaged on the way is refused', async () => {
    const damaging: typeof fetch = (url, init) => {
      const target = String(url);
      if (init?.method === 'PUT' && target.startsWith(prod.v3ioUrl) && target.endsWith('model.pkl'))
        return fetch(url, { ...init, body: 'damaged' });
      return fetch(url, init);
    };
    const model = await modelDir('weights-fragile');
    const uploaded = await provider().upload(
      { model: { name: 'fragile', version: 'v1' }, path: model.dir },
      context,
    );
    await expect(
      createIguazioProvider({ ...settings, fetch: damaging }).deploy(
        { model: { name: 'fragile', version: 'v1' }, stage: 'production', refs: uploaded.refs },
        context,
      ),
    ).rejects.toThrow(/arrived in production .* do not match the manifest/);
    await model.cleanup();
    expect(prod.artifacts('fraud-prod').find({ key: 'fragile' })).toEqual([]);
  });

  it('names the unset variable and never sends the development key to another cluster', async () => {
    const model = await modelDir('weights-nokey');
    const uploaded = await provider().upload(
      { model: { name: 'nokey', version: 'v1' }, path: model.dir },
      context,
    );
    await model.cleanup();
    const before = prod.requests.length;
    await expect(
      createIguazioProvider({ ...settings, env: { PROD_MLRUN_DBPATH: prod.url } }).deploy(
        { model: { name: 'nokey', version: 'v1' }, stage: 'production', refs: uploaded.refs },
        context,
      ),
    ).rejects.toThrow('environments.production.accessKey comes from PROD_V3IO_ACCESS_KEY, which is not set');
    expect(prod.requests.length).toBe(before);
    expect(lines.join('\n')).not.toContain(prodKey);
    expect(lines.join('\n')).not.toContain(devKey);
  });
});
