import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createProviderContext, silentLogger } from '@modelship/core';
import { verifyModel } from '@modelship/manifest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMetaflowProvider } from '../src/index.js';
import { motoBucket } from './fixtures.js';

describe('upload: model files and manifest under the flow S3 datastore root (moto)', () => {
  const motoUrl = inject('motoUrl');
  const bucket = `upload-${Date.now()}`;
  const work = mkdtempSync(join(tmpdir(), 'modelship-metaflow-upload-'));
  const modelDir = join(work, 'model');
  const context = createProviderContext({ logger: silentLogger });
  // The root comes from Metaflow's own setting, as a flow would see it.
  const provider = createMetaflowProvider({
    env: { METAFLOW_DATASTORE_SYSROOT_S3: `s3://${bucket}/metaflow`, METAFLOW_S3_ENDPOINT_URL: motoUrl },
  });
  let s3: Awaited<ReturnType<typeof motoBucket>>;
  beforeAll(async () => {
    s3 = await motoBucket(motoUrl, bucket);
    mkdirSync(join(modelDir, 'weights'), { recursive: true });
    writeFileSync(join(modelDir, 'model.json'), '{"kind":"linear"}');
    writeFileSync(join(modelDir, 'weights', 'w.bin'), Buffer.alloc(4096, 7));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('puts every file and the manifest last, and the downloaded copy verifies', async () => {
    const result = await provider.upload({ model: { name: 'iris', version: 'v1' }, path: modelDir }, context);
    expect(result.uri).toBe(`s3://${bucket}/metaflow/modelship/iris/v1/`);
    expect(result.skipped).toBe(false);
    expect(result.manifestDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'metaflow/modelship/iris/v1/' }),
    );
    expect(listed.Contents?.map((o) => o.Key).sort()).toEqual([
      'metaflow/modelship/iris/v1/model.json',
      'metaflow/modelship/iris/v1/modelship.manifest.json',
      'metaflow/modelship/iris/v1/weights/w.bin',
    ]);
    const copy = join(work, 'copy');
    for (const key of listed.Contents ?? []) {
      const path = join(copy, (key.Key ?? '').slice('metaflow/modelship/iris/v1/'.length));
      mkdirSync(join(path, '..'), { recursive: true });
      const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key.Key }));
      writeFileSync(path, await body.Body!.transformToByteArray());
    }
    const report = await verifyModel({ manifest: join(copy, 'modelship.manifest.json'), strict: true });
    expect(report.ok).toBe(true);
  });

  it('identical content is skipped; changed content is uploaded again', async () => {
    const again = await provider.upload({ model: { name: 'iris', version: 'v1' }, path: modelDir }, context);
    expect(again.skipped).toBe(true);
    writeFileSync(join(modelDir, 'model.json'), '{"kind":"linear","c":2}');
    const changed = await provider.upload(
      { model: { name: 'iris', version: 'v1' }, path: modelDir },
      context,
    );
    expect(changed.skipped).toBe(false);
    expect(changed.manifestDigest).not.toBe(again.manifestDigest);
  });

  it('without a version the key is the content digest', async () => {
    const result = await provider.upload(
      { model: { name: 'iris' }, path: join(modelDir, 'model.json') },
      context,
    );
    expect(result.uri).toMatch(new RegExp(`^s3://${bucket}/metaflow/modelship/iris/sha256-[0-9a-f]{16}/$`));
  });

  it('errors name what is wrong: missing bucket, no S3 root, bad names', async () => {
    const missing = createMetaflowProvider({
      s3Root: 's3://no-such-bucket-modelship/x',
      s3Endpoint: motoUrl,
    });
    await expect(missing.upload({ model: { name: 'iris' }, path: modelDir }, context)).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('s3://no-such-bucket-modelship/x/iris/'),
    });
    const unset = createMetaflowProvider({ processEnv: {} });
    await expect(unset.upload({ model: { name: 'iris' }, path: modelDir }, context)).rejects.toThrow(
      /set the provider setting s3Root .* or METAFLOW_DATASTORE_SYSROOT_S3/,
    );
    await expect(
      provider.upload({ model: { name: '../etc', version: 'v1' }, path: modelDir }, context),
    ).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('refuses a caller digest that differs from what it stamps, and stores nothing', async () => {
    const wrong = `sha256:${'0'.repeat(64)}`;
    await expect(
      provider.upload(
        { model: { name: 'iris', version: 'v-wrong' }, path: modelDir, manifestDigest: wrong },
        context,
      ),
    ).rejects.toMatchObject({ code: 'integrity' });
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'metaflow/modelship/iris/v-wrong/' }),
    );
    expect(listed.KeyCount).toBe(0);
  });
});
