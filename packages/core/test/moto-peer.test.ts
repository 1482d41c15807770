import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';

describe('moto test peer', () => {
  it('serves S3: a bucket is created and an object round-trips', async () => {
    const endpoint = process.env.MODELSHIP_MOTO_URL;
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const s3 = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      maxAttempts: 1,
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'peer-check' }));
    await s3.send(new PutObjectCommand({ Bucket: 'peer-check', Key: 'hello.txt', Body: 'hello moto' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'peer-check', Key: 'hello.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello moto');
    s3.destroy();
  });
});
