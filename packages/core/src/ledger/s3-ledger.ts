// The shared ledger for CI runners on different machines. Event batches are created with
// `If-None-Match: *`, so of two runners extending the same head exactly one succeeds; the head
// object (the snapshot) is replaced with `If-Match` on the ETag that was read.
import type { S3Client } from '@aws-sdk/client-s3';
import { ErrorCode, ModelshipError } from '../contract/errors.js';
import { type BatchStore, type LedgerTrust, type Snapshot, StoreLedger } from './store.js';

export interface S3LedgerOptions {
  /** Signing and verification keys (SPEC.md, threat model). */
  trust?: LedgerTrust;
  /** An S3 client; created lazily from region/endpoint (and the usual AWS environment) when absent. */
  client?: S3Client;
  bucket: string;
  /** Key prefix, e.g. `modelship/`; a trailing slash is added when missing. */
  prefix?: string;
  region?: string;
  endpoint?: string;
}

const pad = (seq: number) => String(seq).padStart(12, '0');
type S3Module = typeof import('@aws-sdk/client-s3');

function status(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}
const isMissing = (error: unknown) => status(error) === 404 || (error as Error)?.name === 'NoSuchKey';
const isPreconditionFailed = (error: unknown) =>
  status(error) === 412 ||
  status(error) === 409 ||
  ['PreconditionFailed', 'ConditionalRequestConflict'].includes((error as Error)?.name);

class S3BatchStore implements BatchStore {
  private module: Promise<S3Module> | undefined;
  private client: S3Client | undefined;
  private headEtag: string | null = null;
  readonly prefix: string;

  constructor(private readonly options: S3LedgerOptions) {
    const prefix = options.prefix ?? 'modelship/';
    this.prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    this.client = options.client;
  }

  private async sdk(): Promise<{ s3: S3Module; client: S3Client }> {
    this.module ??= import('@aws-sdk/client-s3').catch((error: unknown) => {
      throw new ModelshipError(
        ErrorCode.Unsupported,
        'the S3 ledger needs @aws-sdk/client-s3; install it next to @modelship/core: npm install @aws-sdk/client-s3',
        { cause: error },
      );
    });
    const s3 = await this.module;
    this.client ??= new s3.S3Client({
      ...(this.options.region ? { region: this.options.region } : {}),
      ...(this.options.endpoint ? { endpoint: this.options.endpoint, forcePathStyle: true } : {}),
    });
    return { s3, client: this.client };
  }

  private batchKey(firstSeq: number) {
    return `${this.prefix}ledger/${pad(firstSeq)}.jsonl`;
  }

  private get headKey() {
    return `${this.prefix}head.json`;
  }

  private async getText(key: string): Promise<{ text: string; etag: string | null } | null> {
    const { s3, client } = await this.sdk();
    try {
      const got = await client.send(new s3.GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return { text: (await got.Body?.transformToString('utf8')) ?? '', etag: got.ETag ?? null };
    } catch (error) {
      if (isMissing(error)) return null;
      throw wrap(error, `read s3://${this.options.bucket}/${key}`);
    }
  }

  async readBatch(firstSeq: number): Promise<string | null> {
    return (await this.getText(this.batchKey(firstSeq)))?.text ?? null;
  }

  async createBatch(firstSeq: number, text: string): Promise<boolean> {
    const { s3, client } = await this.sdk();
    try {
      await client.send(
        new s3.PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.batchKey(firstSeq),
          Body: text,
          ContentType: 'application/x-ndjson',
          IfNoneMatch: '*',
        }),
      );
      return true;
    } catch (error) {
      if (isPreconditionFailed(error)) return false;
      throw wrap(error, `append to s3://${this.options.bucket}/${this.batchKey(firstSeq)}`);
    }
  }

  async listBatches(): Promise<number[]> {
    const { s3, client } = await this.sdk();
    const seqs: number[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new s3.ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: `${this.prefix}ledger/`,
          ContinuationToken: token,
        }),
      );
      for (const item of page.Contents ?? []) {
        const match = /(\d{12})\.jsonl$/.exec(item.Key ?? '');
        if (match) seqs.push(Number(match[1]));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return seqs;
  }

  async readSnapshot(): Promise<Snapshot | null> {
    const got = await this.getText(this.headKey);
    this.headEtag = got?.etag ?? null;
    return got ? (JSON.parse(got.text) as Snapshot) : null;
  }

  async writeSnapshot(snapshot: Snapshot): Promise<void> {
    const { s3, client } = await this.sdk();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        const put = await client.send(
          new s3.PutObjectCommand({
            Bucket: this.options.bucket,
            Key: this.headKey,
            Body: JSON.stringify(snapshot),
            ContentType: 'application/json',
            ...(this.headEtag ? { IfMatch: this.headEtag } : { IfNoneMatch: '*' }),
          }),
        );
        this.headEtag = put.ETag ?? null;
        return;
      } catch (error) {
        if (!isPreconditionFailed(error)) throw error;
        // Someone moved the head meanwhile: keep theirs unless ours is newer.
        const current = await this.readSnapshot();
        if (current && current.seq >= snapshot.seq) return;
      }
    }
  }

  withAppendLock<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }
}

function wrap(error: unknown, what: string): ModelshipError {
  const code =
    status(error) === 403
      ? ErrorCode.AuthFailed
      : status(error) === 503
        ? ErrorCode.Throttled
        : ErrorCode.Provider;
  return new ModelshipError(
    code,
    `could not ${what}: ${(error as Error).name ?? 'error'} ${(error as Error).message ?? ''}`.trim(),
    {
      cause: error,
      isRetryable: code === ErrorCode.Throttled,
    },
  );
}

export class S3Ledger extends StoreLedger {
  constructor(options: S3LedgerOptions) {
    super('s3', new S3BatchStore(options), options.trust);
  }
}

export function createS3Ledger(options: S3LedgerOptions): S3Ledger {
  return new S3Ledger(options);
}
