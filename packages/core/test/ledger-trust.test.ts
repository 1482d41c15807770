import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger, LedgerEvent } from '../src/index.js';
import { createCheckpoint, createPromoter, hashEvent, openFileLedger } from '../src/index.js';
import type { LedgerTrust } from '../src/ledger/store.js';
import { createS3Ledger } from '../src/ledger-s3.js';

// What an attacker with write access but without the key can do, on both stores: re-chain an
// edited history, append a forged approval, cut the tail, or edit the snapshot.
const pair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    signingKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
};
const keys = pair();
const otherKeys = pair();
const env = { USER: 'tester' };
const pad = (seq: number) => String(seq).padStart(12, '0');

interface Raw {
  ledger(trust?: LedgerTrust): Ledger;
  get(name: string): Promise<string | null>;
  put(name: string, text: string): Promise<void>;
  remove(name: string): Promise<void>;
  snapshotName: string;
}

let root: string;
let client: S3Client;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'modelship-trust-'));
  client = new S3Client({
    endpoint: process.env.MODELSHIP_MOTO_URL as string,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
});
afterAll(async () => {
  client.destroy();
  await rm(root, { recursive: true, force: true });
});

let counter = 0;
const stores: Record<'file' | 's3', () => Promise<Raw>> = {
  file: async () => {
    counter += 1;
    const dir = join(root, `l${counter}`);
    const path = (name: string) => join(dir, name);
    return {
      ledger: (trust) => openFileLedger(dir, trust ? { trust } : {}),
      get: (name) => readFile(path(name), 'utf8').catch(() => null),
      put: (name, text) => writeFile(path(name), text),
      remove: (name) => unlink(path(name)),
      snapshotName: 'snapshot.json',
    };
  },
  s3: async () => {
    counter += 1;
    const Bucket = `trust-${counter}`;
    await client.send(new CreateBucketCommand({ Bucket }));
    const Key = (name: string) => `p/${name}`;
    return {
      ledger: (trust) => createS3Ledger({ client, bucket: Bucket, prefix: 'p', ...(trust ? { trust } : {}) }),
      get: async (name) => {
        try {
          const got = await client.send(new GetObjectCommand({ Bucket, Key: Key(name) }));
          return (await got.Body?.transformToString()) ?? null;
        } catch {
          return null;
        }
      },
      put: async (name, text) => {
        await client.send(new PutObjectCommand({ Bucket, Key: Key(name), Body: text }));
      },
      remove: async (name) => {
        await client.send(new DeleteObjectCommand({ Bucket, Key: Key(name) }));
      },
      snapshotName: 'head.json',
    };
  },
};

/** v1 registered, promoted to staging (no approvals needed there), v2 registered: three batches or more. */
async function history(raw: Raw, trust?: LedgerTrust) {
  const promoter = createPromoter({ ledger: raw.ledger(trust), env, captureProvenance: false });
  await promoter.register({ model: 'm', metrics: { accuracy: 0.8 } });
  await promoter.register({ model: 'm', metrics: { accuracy: 0.9 } });
  return promoter;
}

/** Rewrites event `seq` with `edit` and re-computes every hash after it, as a careful forger would. */
async function rechain(raw: Raw, edit: (event: LedgerEvent) => void) {
  const events = await raw.ledger().read();
  let prev: string | null = null;
  const texts: string[] = [];
  for (const event of events) {
    if (event.seq === 1) edit(event);
    event.prev = prev;
    event.hash = hashEvent(event);
    prev = event.hash;
    texts.push(JSON.stringify(event));
  }
  // One batch per event, as registered; signatures (if any) are dropped or kept stale.
  for (const [index, text] of texts.entries()) await raw.put(`ledger/${pad(index + 1)}.jsonl`, `${text}\n`);
  await raw.remove(raw.snapshotName).catch(() => undefined);
}

describe.each(['file', 's3'] as const)('%s ledger: forgery needs the key', (kind) => {
  it('a re-chained edit of v1 metrics passes without a key and fails with the public key', async () => {
    const raw = await stores[kind]();
    await history(raw, { signingKey: keys.signingKey });
    expect((await raw.ledger().verify({ publicKey: keys.publicKey })).ok).toBe(true);
    await rechain(raw, (event) => {
      (event.data.record as { metrics: Record<string, number> }).metrics.accuracy = 0.99;
    });
    expect((await raw.ledger().verify()).ok).toBe(true);
    const report = await raw.ledger().verify({ publicKey: keys.publicKey });
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.kind)).toContain('unsigned');
    expect(report.problems[0]?.message).toMatch(
      /batch 1\.\.1 \(last event evt_\w+, version\.registered\) is not signed/,
    );
  });

  it('a forged batch signed with another key, or a stale signature over a re-chained hash, is named', async () => {
    const raw = await stores[kind]();
    await history(raw, { signingKey: keys.signingKey });
    const first = (await raw.get(`ledger/${pad(1)}.jsonl`))!;
    const trailer = first.trim().split('\n').at(-1)!;
    await rechain(raw, (event) => {
      event.by = 'mallory';
    });
    // Keep v1's old signature line under the re-chained event; sign v2's batch with another key.
    const edited = (await raw.get(`ledger/${pad(1)}.jsonl`))!;
    await raw.put(`ledger/${pad(1)}.jsonl`, `${edited.trim()}\n${trailer}\n`);
    const forger = createPromoter({
      ledger: raw.ledger({ signingKey: otherKeys.signingKey }),
      env,
      captureProvenance: false,
    });
    await forger.register({ model: 'm', metrics: { accuracy: 1 } });
    const report = await raw.ledger().verify({ publicKey: keys.publicKey });
    const kinds = report.problems.map((p) => `${p.seq}:${p.kind}`);
    expect(kinds).toContain('1:forged');
    expect(kinds).toContain('2:unsigned');
    expect(kinds).toContain('3:forged');
    expect(report.problems.find((p) => p.seq === 3)?.message).toContain(
      'does not verify with the public key',
    );
  });

  it('a checkpoint catches a cut tail (last batch and snapshot deleted) that the chain alone does not', async () => {
    const raw = await stores[kind]();
    await history(raw, { signingKey: keys.signingKey });
    const { head } = await raw.ledger().load();
    const checkpoint = createCheckpoint(head, new Date(), undefined);
    expect((await raw.ledger().verify({ checkpoint })).ok).toBe(true);
    await raw.remove(`ledger/${pad(head.seq)}.jsonl`);
    await raw.remove(raw.snapshotName);
    expect((await raw.ledger().verify({ publicKey: keys.publicKey })).ok).toBe(true);
    const report = await raw.ledger().verify({ checkpoint });
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ seq: head.seq, kind: 'truncated' });
    expect(report.problems[0]?.message).toContain(`the ledger no longer holds event ${head.seq}`);
  });

  it('an edited snapshot is never trusted: it is ignored and rebuilt from the events', async () => {
    const raw = await stores[kind]();
    await history(raw);
    await raw.ledger().load();
    const snapshot = JSON.parse((await raw.get(raw.snapshotName))!);
    snapshot.state.models.m.versions.v1.metrics.accuracy = 0.01;
    await raw.put(raw.snapshotName, JSON.stringify(snapshot));
    const { state } = await raw.ledger().load();
    expect(state.models.m?.versions.v1?.metrics.accuracy).toBe(0.8);
    const rebuilt = JSON.parse((await raw.get(raw.snapshotName))!);
    expect(rebuilt.state.models.m.versions.v1.metrics.accuracy).toBe(0.8);
  });
});
