import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type MlrunEmulator, startMlrunEmulator } from '@modelship/testing-mlrun-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIguazioProvider } from '../src/index.js';
import { accessKey, capturingContext, modelDir } from './helpers.js';

describe('upload stores a model artifact pointing at the uploaded files', () => {
  let emulator: MlrunEmulator;
  let s3: S3Client;
  beforeAll(async () => {
    emulator = await startMlrunEmulator({ accessKey });
    s3 = new S3Client({
      endpoint: process.env.MODELSHIP_MOTO_URL,
      forcePathStyle: true,
      region: 'us-east-1',
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'iguazio-models' }));
  });
  afterAll(() => emulator.close());

  it('puts the files and the manifest in S3 and records digest and version in labels', async () => {
    const provider = createIguazioProvider({
      apiUrl: emulator.url,
      accessKey,
      project: 'fraud-dev',
      s3Bucket: 'iguazio-models',
      s3Client: s3,
    });
    const { context } = capturingContext();
    const model = await modelDir('the weights');
    const result = await provider.upload(
      { model: { name: 'clf', version: 'v7' }, path: model.dir, metadata: { team: 'risk' } },
      context,
    );
    await model.cleanup();
    expect(result.refs.targetPath).toBe(`s3://iguazio-models/modelship/fraud-dev/clf/${result.refs.tree}/`);
    const key = `modelship/fraud-dev/clf/${result.refs.tree}/`;
    const weights = await s3.send(new GetObjectCommand({ Bucket: 'iguazio-models', Key: `${key}model.pkl` }));
    expect(await weights.Body?.transformToString()).toBe('the weights');
    const manifest = await s3.send(
      new GetObjectCommand({ Bucket: 'iguazio-models', Key: `${key}modelship.manifest.json` }),
    );
    expect(JSON.parse((await manifest.Body?.transformToString()) ?? '{}').digest.value).toContain(
      result.refs.tree,
    );
    const row = emulator.artifacts('fraud-dev').rows[0]!;
    expect(row.body.kind).toBe('model');
    expect((row.body.metadata as { labels: Record<string, string> }).labels).toMatchObject({
      'modelship/manifest-digest': result.manifestDigest,
      'modelship/version': 'v7',
      team: 'risk',
    });
    expect(emulator.artifacts('fraud-dev').tagsOf(row)).toEqual(['latest', 'v7']);
  });

  it('without S3 the artifact points at the local path; a retry stores nothing new', async () => {
    const provider = createIguazioProvider({ apiUrl: emulator.url, accessKey, project: 'local-path' });
    const { context } = capturingContext();
    const model = await modelDir('local weights');
    const first = await provider.upload({ model: { name: 'clf' }, path: model.dir }, context);
    const puts = emulator.requests.filter((r) => r.method === 'PUT').length;
    const again = await provider.upload({ model: { name: 'clf' }, path: model.dir }, context);
    await model.cleanup();
    expect(first.refs.targetPath).toBe(model.dir);
    expect(again).toMatchObject({ skipped: true, uri: first.uri });
    expect(emulator.requests.filter((r) => r.method === 'PUT').length).toBe(puts);
  });

  it('reports the digest as sha256:<hex> and refuses a caller digest that differs, registering nothing', async () => {
    const provider = createIguazioProvider({ apiUrl: emulator.url, accessKey, project: 'digests' });
    const { context } = capturingContext();
    const model = await modelDir('digest weights');
    const wrong = `sha256:${'0'.repeat(64)}`;
    await expect(
      provider.upload({ model: { name: 'clf' }, path: model.dir, manifestDigest: wrong }, context),
    ).rejects.toMatchObject({ code: 'integrity' });
    expect(emulator.artifacts('digests').rows).toHaveLength(0);
    const stored = await provider.upload({ model: { name: 'clf' }, path: model.dir }, context);
    const again = await provider.upload(
      { model: { name: 'clf' }, path: model.dir, manifestDigest: stored.manifestDigest },
      context,
    );
    await model.cleanup();
    expect(stored.manifestDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(stored.refs.manifestDigest).toBe(stored.manifestDigest);
    expect(again).toMatchObject({ skipped: true, manifestDigest: stored.manifestDigest });
  });

  it('refuses a model name MLRun cannot key and a path that is not there', async () => {
    const provider = createIguazioProvider({ apiUrl: emulator.url, accessKey, project: 'p' });
    const { context } = capturingContext();
    await expect(provider.upload({ model: { name: 'bad name' }, path: '/nope' }, context)).rejects.toThrow(
      'key "bad name" is not valid',
    );
    await expect(provider.upload({ model: { name: 'ok' }, path: '/nope/not-here' }, context)).rejects.toThrow(
      'does not exist',
    );
  });
});
