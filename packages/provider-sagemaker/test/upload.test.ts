import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ErrorCode, ModelshipError } from '@modelship/core';
import { modelshipManifestSchema } from '@modelship/manifest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSageMakerProvider } from '../src/index.js';
import { MD5_METADATA, SHA256_METADATA } from '../src/internals.js';
import { capturingContext, motoProvider } from './moto.js';

const MiB = 1024 * 1024;
let dir: string;
let big: Buffer;

async function readBack(s3: S3Client, uri: string, path: string): Promise<string> {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri)!;
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${key}${path}` }));
  return object.Body!.transformToString();
}

/** Counts the S3 commands a client sends, by name. */
function countCommands(s3: S3Client): Map<string, number> {
  const counts = new Map<string, number>();
  s3.middlewareStack.add(
    (next, context) => (args) => {
      counts.set(context.commandName!, (counts.get(context.commandName!) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize' },
  );
  return counts;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelship-sm-upload-'));
  big = randomBytes(11 * MiB + 123);
  await writeFile(join(dir, 'weights.bin'), big);
  await writeFile(join(dir, 'config.json'), '{"layers":3}');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('upload to S3 (moto)', () => {
  it('sends large files as multipart, hashes them in the same pass and tags the object with the digests', async () => {
    const { provider, s3, bucket } = await motoProvider({ partSize: 5 * MiB, uploadConcurrency: 2 });
    const counts = countCommands(s3);
    const { context, events } = capturingContext();
    const result = await provider.upload({ model: { name: 'churn', version: '1.0.0' }, path: dir }, context);

    expect(result.skipped).toBe(false);
    expect(result.uri).toBe(`s3://${bucket}/modelship/churn/sha256-${result.manifestDigest!.slice(7)}/`);
    expect(counts.get('CreateMultipartUploadCommand')).toBe(1);
    expect(counts.get('UploadPartCommand')).toBe(3);
    expect(counts.get('PutObjectTaggingCommand')).toBe(1);
    expect(counts.get('CopyObjectCommand') ?? 0).toBe(0);
    const Key = `${result.uri.replace(`s3://${bucket}/`, '')}weights.bin`;
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key }));
    expect(head.ContentLength).toBe(big.length);
    const tagging = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key }));
    expect(Object.fromEntries((tagging.TagSet ?? []).map((tag) => [tag.Key, tag.Value]))).toEqual({
      [MD5_METADATA]: createHash('md5').update(big).digest('hex'),
      [SHA256_METADATA]: createHash('sha256').update(big).digest('hex'),
    });
    const weightEvents = events.filter((e) => e.task.endsWith('weights.bin'));
    expect(weightEvents.at(-1)).toMatchObject({ done: big.length, total: big.length });
    expect(weightEvents.length).toBeGreaterThan(2);
  });

  it("with multipartDigests: metadata, rewrites a multipart object's metadata by a server-side copy, and skips it next time", async () => {
    const { provider, s3, bucket } = await motoProvider({ partSize: 5 * MiB, multipartDigests: 'metadata' });
    const counts = countCommands(s3);
    const { context } = capturingContext();
    const model = { name: 'churn', version: '1.1.0' };
    const stored = await provider.upload({ model, path: dir }, context);
    expect(counts.get('CopyObjectCommand')).toBe(1);
    expect(counts.get('PutObjectTaggingCommand') ?? 0).toBe(0);
    const head = await s3.send(
      new HeadObjectCommand({
        Bucket: bucket,
        Key: `${stored.uri.replace(`s3://${bucket}/`, '')}weights.bin`,
      }),
    );
    expect(head.ContentLength).toBe(big.length);
    expect(head.ContentType).toBe('application/octet-stream');
    expect(head.Metadata?.[SHA256_METADATA]).toBe(createHash('sha256').update(big).digest('hex'));
    expect(head.Metadata?.[MD5_METADATA]).toBe(createHash('md5').update(big).digest('hex'));
    counts.clear();
    expect(await provider.upload({ model, path: dir }, context)).toMatchObject({ skipped: true });
    expect(counts.get('UploadPartCommand') ?? 0).toBe(0);
    expect(counts.get('GetObjectTaggingCommand') ?? 0).toBe(0); // the HEAD had them
  });

  it('stamps a modelship manifest beside the model, from the upload digests', async () => {
    const { provider, s3, bucket } = await motoProvider();
    const { context } = capturingContext();
    const result = await provider.upload({ model: { name: 'churn', version: '2' }, path: dir }, context);
    const object = await s3.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: `${result.uri.replace(`s3://${bucket}/`, '')}modelship.manifest.json`,
      }),
    );
    const manifest = modelshipManifestSchema.parse(JSON.parse(await object.Body!.transformToString()));
    expect(manifest.files.map((f) => f.path)).toEqual(['config.json', 'weights.bin']);
    expect(manifest.files[1]).toMatchObject({
      size: big.length,
      sha256: createHash('sha256').update(big).digest('hex'),
    });
    expect(`${manifest.digest.algorithm}:${manifest.digest.value}`).toBe(result.manifestDigest);
    expect(manifest.storage?.uri).toBe(result.uri);
    // A directory is served uncompressed: SageMaker loads the whole prefix, manifest included.
    expect(result.refs).toMatchObject({
      manifestUri: `${result.uri}modelship.manifest.json`,
      modelDataPrefix: result.uri,
    });
    expect(result.refs.modelDataUrl).toBeUndefined();
  });

  it('keys uploads by content: a later version never overwrites an earlier one, identical content is skipped after one HEAD', async () => {
    const { provider, s3 } = await motoProvider();
    const { context } = capturingContext();
    // `modelship register` uploads before the version id exists: no version in the input.
    const model = { name: 'churn' };
    const first = await provider.upload({ model, path: dir }, context);
    const counts = countCommands(s3);
    const again = await provider.upload({ model, path: dir }, context);
    expect(again).toMatchObject({ skipped: true, uri: first.uri, manifestDigest: first.manifestDigest });
    expect(counts.get('PutObjectCommand') ?? 0).toBe(0);
    expect(counts.get('UploadPartCommand') ?? 0).toBe(0);
    expect(counts.get('HeadObjectCommand')).toBe(1);

    const before = await readBack(s3, first.uri, 'config.json');
    await writeFile(join(dir, 'config.json'), '{"layers":4}');
    const changed = await provider.upload({ model, path: dir }, context);
    expect(changed.skipped).toBe(false);
    expect(changed.uri).not.toBe(first.uri);
    expect(await readBack(s3, first.uri, 'config.json')).toBe(before);
    expect(await readBack(s3, changed.uri, 'config.json')).toBe('{"layers":4}');
  });

  it('serves a model that is one tarball as ModelDataUrl', async () => {
    const { provider } = await motoProvider();
    const tarDir = await mkdtemp(join(tmpdir(), 'modelship-sm-tar-'));
    await writeFile(join(tarDir, 'model.tar.gz'), 'gzip bytes');
    const result = await provider.upload(
      { model: { name: 'churn' }, path: tarDir },
      capturingContext().context,
    );
    expect(result.refs.modelDataUrl).toBe(`${result.uri}model.tar.gz`);
    expect(result.refs.modelDataPrefix).toBeUndefined();
    await rm(tarDir, { recursive: true, force: true });
  });

  it('refuses a model that no longer matches the manifest digest the caller stamped', async () => {
    const { provider } = await motoProvider();
    const error = await provider
      .upload(
        { model: { name: 'churn', version: '4' }, path: dir, manifestDigest: 'sha256:00' },
        capturingContext().context,
      )
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.Integrity)).toBe(true);
    expect(String((error as Error).message)).toMatch(/re-create the manifest/);
  });

  it('aborts a multipart upload when the signal fires and leaves no parts behind', async () => {
    const { provider, s3, bucket } = await motoProvider({ partSize: 5 * MiB, uploadConcurrency: 1 });
    const controller = new AbortController();
    const { context } = capturingContext({ signal: controller.signal });
    const events: number[] = [];
    const progress = context.progress;
    context.progress = (event) => {
      progress(event);
      events.push(event.done);
      // Stop once the first part is on its way (not while hashing, before anything is sent).
      if (event.task.startsWith('upload s3://') && event.done > 0 && !controller.signal.aborted)
        controller.abort(new Error('user stop'));
    };
    const error = await provider
      .upload({ model: { name: 'churn', version: '5' }, path: dir }, context)
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.Aborted)).toBe(true);
    const pending = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect(pending.Uploads ?? []).toEqual([]);
  });

  it('names the missing path and the missing bucket setting', async () => {
    const { provider } = await motoProvider();
    const missing = await provider
      .upload({ model: { name: 'churn' }, path: join(dir, 'nope') }, capturingContext().context)
      .catch((e: unknown) => e);
    expect(String((missing as Error).message)).toMatch(/model path .*nope does not exist/);
    const { settings } = await motoProvider();
    const noBucket = await createSageMakerProvider({ ...settings, bucket: undefined })
      .upload({ model: { name: 'churn' }, path: dir }, capturingContext().context)
      .catch((e: unknown) => e);
    expect(String((noBucket as Error).message)).toMatch(/pass \{ bucket \}.*MODELSHIP_SAGEMAKER_BUCKET/);
  });
});
