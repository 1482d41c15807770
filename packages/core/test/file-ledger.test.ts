import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPromoter, LedgerIntegrityError, openFileLedger, verifyLedger } from '../src/index.js';
import { bundleWorker, runRaceRounds, startWorker } from './helpers/workers.js';

const env = { USER: 'tester' };
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'modelship-file-ledger-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function ledgerWithHistory(name: string, versions = 3) {
  const dir = join(root, name);
  const promoter = createPromoter({ ledger: openFileLedger(dir), env, captureProvenance: false });
  for (let i = 0; i < versions; i += 1)
    await promoter.register({ model: 'm', metrics: { accuracy: 0.9 + i / 100 } });
  await promoter.promote({ model: 'm', version: 'v1', to: 'development' });
  return { dir, promoter, eventsDir: join(dir, 'ledger') };
}

describe('FileLedger tamper evidence', () => {
  it('verifies a clean ledger', async () => {
    const { promoter } = await ledgerWithHistory('clean');
    expect(await verifyLedger(promoter.ledger)).toMatchObject({ ok: true, events: 7, problems: [] });
  });

  it('names a hand-edited event', async () => {
    const { dir, eventsDir } = await ledgerWithHistory('edited');
    const file = join(eventsDir, '000000000002.jsonl');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"accuracy":0.91', '"accuracy":0.99'));
    const result = await openFileLedger(dir).verify();
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatchObject({ seq: 2, kind: 'edited' });
    expect(result.problems[0]?.message).toMatch(/^event 2 \(evt_[^,]+, version\.registered\) was edited/);
    await expect(openFileLedger(dir).read()).rejects.toBeInstanceOf(LedgerIntegrityError);
  });

  it('names a removed event', async () => {
    const { dir, eventsDir } = await ledgerWithHistory('removed');
    await unlink(join(eventsDir, '000000000002.jsonl'));
    const result = await openFileLedger(dir).verify();
    expect(result.problems[0]).toMatchObject({ seq: 2, kind: 'missing' });
    expect(result.problems[0]?.message).toContain('events 2..2 are missing');
  });

  it('names reordered events', async () => {
    const { dir, eventsDir } = await ledgerWithHistory('reordered');
    const [a, b] = [join(eventsDir, '000000000002.jsonl'), join(eventsDir, '000000000003.jsonl')];
    const [textA, textB] = [await readFile(a, 'utf8'), await readFile(b, 'utf8')];
    await writeFile(a, textB);
    await writeFile(b, textA);
    const result = await openFileLedger(dir).verify();
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.kind)).toContain('reordered');
    expect(result.problems[0]?.seq).toBe(2);
  });

  it('detects removing the newest events, which the snapshot still names', async () => {
    const { dir, eventsDir } = await ledgerWithHistory('truncated');
    const files = (await readdir(eventsDir)).sort();
    await unlink(join(eventsDir, files.at(-1) as string));
    const result = await openFileLedger(dir).verify();
    expect(result.problems[0]).toMatchObject({ kind: 'missing' });
    expect(result.problems[0]?.message).toMatch(
      /snapshot was taken at event 7 but the ledger ends at 6: events 7..7 were removed/,
    );
  });
});

describe('FileLedger snapshots', () => {
  it('status reads the snapshot and the events after it, never the whole history', async () => {
    const { dir, eventsDir, promoter } = await ledgerWithHistory('snapshot', 40);
    // Remove all history the snapshot covers except the batch it is anchored to (the snapshot is
    // checked against that batch before use, issue 20): status must not notice, verify must.
    const { batch } = JSON.parse(await readFile(join(dir, 'snapshot.json'), 'utf8')) as { batch: number };
    const anchor = `${String(batch).padStart(12, '0')}.jsonl`;
    for (const name of await readdir(eventsDir)) if (name !== anchor) await unlink(join(eventsDir, name));
    const board = await createPromoter({ ledger: openFileLedger(dir), env }).status('m');
    expect(board.versions).toHaveLength(40);
    expect(board.stages[0]?.champion?.version).toBe('v1');
    expect((await promoter.ledger.verify()).ok).toBe(false);
  });
});

describe('FileLedger under concurrency and crashes', () => {
  it('20 promoter processes race for one stage: exactly one champion per round, nothing lost', async () => {
    const racers = 20;
    const rounds = 2;
    const dir = join(root, 'race');
    const control = join(root, 'race-control');
    await rm(control, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(control, { recursive: true }));
    const setup = createPromoter({ ledger: openFileLedger(dir), env, captureProvenance: false });
    for (let i = 0; i < racers * rounds; i += 1)
      await setup.register({ model: 'race', metrics: { accuracy: i } });
    const script = await bundleWorker('race-worker');
    const workers = Array.from({ length: racers }, (_, index) =>
      startWorker(script, [
        'file',
        dir,
        'race',
        'development',
        String(index),
        String(rounds),
        control,
        String(racers),
      ]),
    );
    const winners = await runRaceRounds(workers, control, rounds, async ({ outcomes, champion }) => {
      const won = outcomes.filter((o) => o.outcome === 'promoted');
      expect(won, JSON.stringify(outcomes)).toHaveLength(1);
      expect(outcomes.filter((o) => o.error === 'race_lost')).toHaveLength(racers - 1);
      const board = await setup.status('race');
      expect(board.stages[0]?.champion?.version).toBe(champion);
    });
    await Promise.all(workers.map((worker) => worker.exited));
    const verified = await setup.ledger.verify();
    expect(verified.problems).toEqual([]);
    // 40 registrations + 4 events per winner (requested, gates, deploying, deployed): nothing lost or doubled.
    expect(verified.events).toBe(racers * rounds + 4 * rounds);
    const deployed = (await setup.history('race'))
      .filter((e) => e.type === 'deploy.succeeded')
      .map((e) => e.version);
    expect(deployed).toEqual(winners);
  });

  it('SIGKILL during appends loses no committed event and leaves a verifiable ledger', async () => {
    const dir = join(root, 'killed');
    const script = await bundleWorker('append-worker');
    const committed = new Set<string>();
    for (let run = 0; run < 4; run += 1) {
      const worker = startWorker(script, [dir]);
      await worker.ready;
      while (worker.lines.length === 0) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, Math.random() * 300));
      worker.child.kill('SIGKILL');
      await worker.exited;
      for (const line of worker.lines) if (line.startsWith('committed ')) committed.add(line.slice(10));
      const ledger = openFileLedger(dir);
      const verified = await ledger.verify();
      expect(verified.problems).toEqual([]);
      const { state } = await ledger.load();
      const stored = new Set(Object.keys(state.models.crashy?.versions ?? {}));
      for (const id of committed) expect(stored.has(id), `${id} was committed but is gone`).toBe(true);
    }
    expect(committed.size).toBeGreaterThanOrEqual(4);
    // The lock a killed process held goes stale and the next writer proceeds.
    const after = createPromoter({
      ledger: openFileLedger(dir, { staleLockMs: 2000 }),
      env,
      captureProvenance: false,
    });
    expect((await after.register({ model: 'crashy', metrics: {} })).id).toMatch(/^v\d+$/);
  });
});
