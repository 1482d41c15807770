import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPromoter } from '../src/index.js';
import { createS3Ledger } from '../src/ledger-s3.js';
import { bundleWorker, runRaceRounds, startWorker } from './helpers/workers.js';

const endpoint = process.env.MODELSHIP_MOTO_URL as string;
const env = { USER: 'tester' };
let client: S3Client;
let control: string;

beforeAll(async () => {
  client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  control = await mkdtemp(join(tmpdir(), 'modelship-s3-race-'));
});
afterAll(async () => {
  client.destroy();
  await rm(control, { recursive: true, force: true });
});

async function bucket(name: string) {
  await client.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

describe('S3Ledger against moto', () => {
  it('appends with If-None-Match and refuses a second writer on the same head', async () => {
    const ledger = createS3Ledger({ client, bucket: await bucket('ledger-basic'), prefix: 'team' });
    const promoter = createPromoter({ ledger, env, captureProvenance: false });
    await promoter.register({ model: 'm', metrics: { accuracy: 0.9 } });
    const { head } = await ledger.load();
    const event = {
      type: 'version.registered' as const,
      at: new Date().toISOString(),
      model: 'm',
      version: 'v2',
      data: {
        record: {
          model: 'm',
          id: 'v2',
          number: 2,
          registeredAt: new Date().toISOString(),
          metrics: {},
          refs: {},
        },
      },
    };
    const [first, second] = await Promise.all([
      ledger.append([event], { expectedHead: head }),
      createS3Ledger({ client, bucket: 'ledger-basic', prefix: 'team/' }).append(
        [{ ...event, version: 'v3' }],
        { expectedHead: head },
      ),
    ]);
    expect([first.ok, second.ok].filter(Boolean)).toHaveLength(1);
    expect((await ledger.verify()).ok).toBe(true);
  });

  it('detects an event edited in the bucket', async () => {
    const name = await bucket('ledger-tamper');
    const ledger = createS3Ledger({ client, bucket: name, prefix: 'x/' });
    const promoter = createPromoter({ ledger, env, captureProvenance: false });
    await promoter.register({ model: 'm', metrics: { accuracy: 0.5 } });
    await promoter.register({ model: 'm', metrics: { accuracy: 0.6 } });
    const text = (await ledger.read()).slice(0, 1).map((e) =>
      JSON.stringify({
        ...e,
        data: { ...e.data, record: { ...(e.data.record as object), metrics: { accuracy: 0.99 } } },
      }),
    );
    await client.send(
      new PutObjectCommand({ Bucket: name, Key: 'x/ledger/000000000001.jsonl', Body: `${text[0]}\n` }),
    );
    const verified = await ledger.verify();
    expect(verified.problems[0]).toMatchObject({ seq: 1, kind: 'edited' });
  });

  it('20 concurrent promoters on different "machines" never both win a stage', async () => {
    const racers = 20;
    const rounds = 2;
    const name = await bucket('ledger-race');
    const setup = createPromoter({
      ledger: createS3Ledger({ client, bucket: name, prefix: 'race/' }),
      env,
      captureProvenance: false,
    });
    for (let i = 0; i < racers * rounds; i += 1)
      await setup.register({ model: 'race', metrics: { accuracy: i } });
    const script = await bundleWorker('race-worker');
    const workers = Array.from({ length: racers }, (_, index) =>
      startWorker(
        script,
        ['s3', name, 'race', 'development', String(index), String(rounds), control, String(racers)],
        {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'testing',
          AWS_SECRET_ACCESS_KEY: 'testing',
        },
      ),
    );
    const winners = await runRaceRounds(workers, control, rounds, async ({ outcomes, champion }) => {
      const won = outcomes.filter((o) => o.outcome === 'promoted');
      expect(won, JSON.stringify(outcomes)).toHaveLength(1);
      expect(outcomes.filter((o) => o.error === 'race_lost')).toHaveLength(racers - 1);
      expect(champion).not.toBe('none');
    });
    await Promise.all(workers.map((worker) => worker.exited));
    const verified = await setup.ledger.verify();
    expect(verified.problems).toEqual([]);
    expect(verified.events).toBe(racers * rounds + 4 * rounds);
    const board = await setup.status('race');
    expect(board.stages.find((s) => s.name === 'development')?.champion?.version).toBe(winners.at(-1));
  });
});
