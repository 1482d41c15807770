import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, makeProject, stopServers, useProject } from './helpers.js';
import { runInProcess } from './in-process.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const signingKey = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const project = useProject(
  `${defaultConfig}ledger: { type: file, dir: .modelship, signingKeyEnv: LEDGER_SIGNING_KEY, publicKey: ledger.pub }\n`,
);
// The same ledger without the key: what someone with write access but no secret can do.
writeFileSync(join(project.dir, 'keyless.yaml'), defaultConfig);
writeFileSync(join(project.dir, 'ledger.pub'), publicKey.export({ type: 'spki', format: 'pem' }) as string);
const outputs = join(project.dir, 'github-output');
const env = { LEDGER_SIGNING_KEY: signingKey };
const run = (args: string[], extra: Record<string, string> = {}) =>
  runInProcess(args, { cwd: project.dir, env: { ...env, ...extra } });
const batch = (seq: number) =>
  join(project.dir, '.modelship', 'ledger', `${String(seq).padStart(12, '0')}.jsonl`);

beforeAll(async () => {
  const model = project.model('a', 2, 0.9);
  expect((await run(['register', 'm', '--path', model.path, '--metrics', model.metrics])).code).toBe(0);
  expect((await run(['promote', 'm', 'v1', '--to', 'staging'])).code).toBe(0);
});

describe('ledger signing, checkpoints and snapshots through the CLI', () => {
  it('signs every batch with the key from ledger.signingKeyEnv; verify checks them with ledger.publicKey', async () => {
    const verified = await run(['ledger', 'verify']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('hash chain intact, every batch signed');
    expect(readFileSync(batch(1), 'utf8')).toContain('modelship.ledger.batch-signature/v1');
    expect(`${verified.stdout}${verified.stderr}`).not.toContain(signingKey.split('\n')[1]);
  });

  it('checkpoint writes a signed head (and ledger-head to $GITHUB_OUTPUT); verify --checkpoint catches a cut tail', async () => {
    writeFileSync(outputs, '');
    const cp = await run(['ledger', 'checkpoint', '--out', 'head.json'], {
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: outputs,
    });
    expect(cp.code, cp.stderr).toBe(0);
    const checkpoint = JSON.parse(readFileSync(join(project.dir, 'head.json'), 'utf8'));
    expect(checkpoint).toMatchObject({ schema: 'modelship.ledger.checkpoint/v1', seq: expect.any(Number) });
    expect(checkpoint.signature).toEqual(expect.any(String));
    expect(readFileSync(outputs, 'utf8')).toContain(`ledger-head=${checkpoint.seq}:${checkpoint.hash}\n`);
    expect((await run(['ledger', 'verify', '--checkpoint', 'head.json'])).code).toBe(0);
    // Cut the tail: the last batch and the snapshot. The chain alone still "verifies".
    rmSync(batch(checkpoint.seq));
    rmSync(join(project.dir, '.modelship', 'snapshot.json'));
    expect((await run(['ledger', 'verify', '--config', 'keyless.yaml'])).code).toBe(0);
    const cut = await run(['ledger', 'verify', '--checkpoint', 'head.json']);
    expect(cut.code).toBe(1);
    expect(cut.stdout).toContain(`truncated: checkpoint ${checkpoint.seq}`);
  });

  it('a batch appended without the key is rejected by verify --public-key', async () => {
    const model = project.model('b', 3, 0.9);
    const keyless = await run([
      'register',
      'm',
      '--path',
      model.path,
      '--metrics',
      model.metrics,
      '--config',
      'keyless.yaml',
    ]);
    expect(keyless.code, keyless.stderr).toBe(0);
    const result = await run([
      'ledger',
      'verify',
      '--config',
      'keyless.yaml',
      '--public-key',
      'ledger.pub',
      '--json',
    ]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { problems: { kind: string; message: string }[] };
    expect(report.problems.map((p) => p.kind)).toContain('unsigned');
  });
});

describe('snapshots never decide alone', () => {
  const plain = makeProject();
  const runPlain = (args: string[]) => runInProcess(args, { cwd: plain.dir });
  afterAll(async () => {
    await stopServers(plain.dir);
    plain.cleanup();
  });

  it('an entry set to approved in snapshot.json does not let deploy serve an unapproved version', async () => {
    const model = plain.model('a', 2, 0.9);
    expect((await runPlain(['register', 'm', '--path', model.path, '--metrics', model.metrics])).code).toBe(
      0,
    );
    expect((await runPlain(['promote', 'm', 'v1', '--to', 'staging'])).code).toBe(0);
    expect((await runPlain(['promote', 'm', 'v1', '--to', 'production', '--by', 'ci'])).code).toBe(4);
    const path = join(plain.dir, '.modelship', 'snapshot.json');
    const snapshot = JSON.parse(readFileSync(path, 'utf8'));
    snapshot.state.models.m.stages.production.entries.v1.status = 'approved';
    writeFileSync(path, JSON.stringify(snapshot));
    const deploy = await runPlain(['deploy', 'm', 'v1', '--stage', 'production']);
    expect(deploy.code).toBe(4);
    const status = JSON.parse((await runPlain(['status', 'm', '--json'])).stdout);
    expect(status.stages.find((s: { name: string }) => s.name === 'production').champion).toBeNull();
  });
});
