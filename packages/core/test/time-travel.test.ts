import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkLedgerChain,
  createPromoter,
  emptyState,
  InvalidInputError,
  ledgerHistory,
  ledgerStateAt,
  ledgerTenures,
  openFileLedger,
  type ProviderV1,
  parseCutPoint,
  promotionHistory,
  replay,
  stageTenures,
} from '../src/index.js';
import { fakeProvider, tagsAndDeploys } from './helpers/fake-provider.js';

const provider: ProviderV1 = fakeProvider('recording', ['deploy', 'rollback'], tagsAndDeploys);

/** A ledger with a clock that ticks one minute per call: v1 → production (approved), v2, then a rollback. */
async function story(dir: string, signingKey?: string) {
  let minute = 0;
  const promoter = createPromoter({
    config: {
      stages: ['staging', 'production'],
      gates: { staging: { metrics: { accuracy: '>= 0.8' } } },
      approvals: { production: { count: 1 } },
    },
    ledger: openFileLedger(dir, signingKey ? { trust: { signingKey } } : {}),
    provider,
    env: { USER: 'ci' },
    captureProvenance: false,
    now: () => new Date(Date.UTC(2026, 2, 3, 12, minute++)),
  });
  for (const [version, accuracy] of [
    ['v1', 0.85],
    ['v2', 0.9],
  ] as const) {
    await promoter.register({ model: 'm', metrics: { accuracy } });
    await promoter.promote({ model: 'm', version, to: 'staging' });
    await promoter.promote({ model: 'm', version, to: 'production' });
    await promoter.approve({
      model: 'm',
      version,
      stage: 'production',
      by: 'alice',
      reason: `ship ${version}`,
    });
  }
  await promoter.rollback({ model: 'm', stage: 'production', by: 'oncall' });
  return openFileLedger(dir);
}

describe('time travel over the ledger', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelship-time-travel-'));
    dirs.push(dir);
    return dir;
  };

  it('parses --at as an event number or an ISO-8601 time with a zone, and says what it accepts otherwise', () => {
    expect(parseCutPoint('#12')).toEqual({ kind: 'seq', seq: 12 });
    expect(parseCutPoint('2026-03-03T12:05:00+01:00')).toMatchObject({
      kind: 'time',
      at: '2026-03-03T11:05:00.000Z',
    });
    for (const bad of ['yesterday', '2026-03-03', '2026-03-03T12:00:00', '#0', '#-1', '2026-13-45T99:00:00Z'])
      expect(() => parseCutPoint(bad), bad).toThrow(InvalidInputError);
    expect(() => parseCutPoint('yesterday')).toThrow(
      /ISO-8601 time with a zone .* nor an event number \(e\.g\. #1200\)/,
    );
  });

  it('gives the state a replay of the events up to the cut gives, with and without the cache', async () => {
    const dir = await tempDir();
    const ledger = await story(dir);
    const events = await ledger.read();
    const cacheDir = join(dir, 'history-cache');
    // Every cut point, answered cold (no cache), then from a cache holding a state every 3 events.
    for (const options of [{}, { cacheDir, every: 3 }, { cacheDir, every: 3 }])
      for (const seq of [1, 7, 15, events.length]) {
        const { state, lastAt } = await ledgerStateAt(ledger, parseCutPoint(`#${seq}`), options);
        expect(state).toEqual(replay(events.slice(0, seq), emptyState));
        expect(lastAt).toBe(events[seq - 1]!.at);
      }
    expect((await readdir(cacheDir)).filter((name) => name.startsWith('state-')).length).toBeGreaterThan(2);
    // A time cut stops before the first event recorded after it.
    const at = events[9]!.at;
    const { state } = await ledgerStateAt(ledger, parseCutPoint(at), { cacheDir, every: 3 });
    expect(state.seq).toBe(events.filter((e) => e.at <= at).length);
    const before = await ledgerStateAt(ledger, parseCutPoint('2020-01-01T00:00:00Z'), { cacheDir });
    expect(before.state).toEqual(emptyState);
  });

  it('ignores a cache entry that was edited, and one that no longer matches the chain', async () => {
    const dir = await tempDir();
    const ledger = await story(dir);
    const events = await ledger.read();
    const cacheDir = join(dir, 'history-cache');
    const cut = parseCutPoint(`#${events.length}`);
    const truth = replay(events, emptyState);
    await ledgerStateAt(ledger, cut, { cacheDir, every: 2 });
    const edit = async (prefix: string) => {
      const names = (await readdir(cacheDir)).filter((n) => n.startsWith(prefix));
      expect(names.length).toBeGreaterThan(2);
      for (const name of names) {
        const file = join(cacheDir, name);
        await writeFile(file, (await readFile(file, 'utf8')).replaceAll('"alice"', '"mallory"'));
      }
    };
    // The events between two cached states, then the states themselves.
    await edit('events-');
    expect((await ledgerStateAt(ledger, cut, { cacheDir, every: 2 })).state).toEqual(truth);
    await edit('state-');
    expect((await ledgerStateAt(ledger, cut, { cacheDir, every: 2 })).state).toEqual(truth);
    // The replay that ignored them wrote them again, and the index vouches for the new files.
    const rebuilt = JSON.parse(await readFile(join(cacheDir, 'index.json'), 'utf8'));
    for (const entry of rebuilt.checkpoints) {
      const text = await readFile(join(cacheDir, entry.file), 'utf8');
      expect(text).not.toContain('mallory');
      expect(entry.digest).toBe(`sha256:${createHash('sha256').update(text).digest('hex')}`);
    }
    // An index naming states of another chain (their hashes are not the ledger's) is not believed.
    const index = JSON.parse(await readFile(join(cacheDir, 'index.json'), 'utf8'));
    for (const entry of index.checkpoints) entry.hash = `sha256:${'0'.repeat(64)}`;
    await writeFile(join(cacheDir, 'index.json'), JSON.stringify(index));
    expect((await ledgerStateAt(ledger, cut, { cacheDir, every: 2 })).state).toEqual(truth);
  });

  it("lists each production champion's tenure: from, to, promotion or rollback, approver, gates", async () => {
    const dir = await tempDir();
    const ledger = await story(dir);
    const events = await ledger.read();
    const { log } = promotionHistory(events);
    const tenures = stageTenures(log, 'm', 'production');
    expect(tenures.map((t) => [t.version, t.arrival, t.approvedBy, t.to === null])).toEqual([
      ['v1', 'promotion', ['alice'], false],
      ['v2', 'promotion', ['alice'], false],
      ['v1', 'rollback', [], true],
    ]);
    expect(tenures[0]!.to).toBe(tenures[1]!.from);
    expect(tenures[1]!.gateSummary).toBe('1/1 gates passed');
    const approval = log.records.find((r) => r.version === 'v2' && r.stage === 'production')!.decisions[0];
    expect(approval).toMatchObject({ decision: 'granted', by: 'alice', reason: 'ship v2' });
    expect(stageTenures(log, 'm', 'staging').map((t) => t.version)).toEqual(['v1', 'v2']);
    // The cached walk (cold, then warm from log.json) gives the same history as the pure fold.
    const cacheDir = join(dir, 'history-cache');
    for (let i = 0; i < 2; i += 1) {
      const walked = await ledgerHistory(ledger, { cacheDir });
      expect(walked.log.records).toEqual(log.records);
    }
    // One stage's tenures come from the cache while the head has not moved, and from a walk after.
    expect(await ledgerTenures(ledger, 'm', 'production', { cacheDir })).toEqual({
      tenures,
      stages: ['staging', 'production'],
    });
    expect((await ledgerTenures(ledger, 'nope', 'production', { cacheDir })).stages).toBeUndefined();
    const promoter = createPromoter({
      config: { stages: ['staging', 'production'] },
      ledger,
      provider,
      env: { USER: 'ci' },
      captureProvenance: false,
    });
    await promoter.register({ model: 'm', metrics: { accuracy: 0.95 } });
    await promoter.promote({ model: 'm', version: 'v3', to: 'staging' });
    await promoter.promote({ model: 'm', version: 'v3', to: 'production' });
    const after = await ledgerTenures(ledger, 'm', 'production', { cacheDir });
    expect(after.tenures.map((t) => `${t.version} ${t.arrival}`)).toEqual([
      'v1 promotion',
      'v2 promotion',
      'v1 rollback',
      'v3 promotion',
    ]);
  });

  it("checks the report's chain now: hashes, links and, with the public key, every signature", async () => {
    const keys = generateKeyPairSync('ed25519');
    const signingKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const publicKey = keys.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const dir = await tempDir();
    const ledger = await story(dir, signingKey);
    const events = await ledger.read();
    const clean = await checkLedgerChain(ledger, { publicKey });
    expect(clean).toMatchObject({ ok: true, events: events.length, signaturesChecked: true });
    expect(clean.head).toEqual({ seq: events.length, hash: events.at(-1)!.hash });
    expect(clean.signedBatches).toBe(clean.batches);
    const batches = (await readdir(join(dir, 'ledger'))).filter((name) => name.endsWith('.jsonl')).sort();
    const edited = join(dir, 'ledger', batches[3]!);
    await writeFile(edited, (await readFile(edited, 'utf8')).replace('"ci"', '"mallory"'));
    const broken = await checkLedgerChain(ledger, { publicKey });
    expect(broken.ok).toBe(false);
    expect(broken.problems.map((p) => p.kind)).toContain('edited');
  });
});
