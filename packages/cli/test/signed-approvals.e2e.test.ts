// A stage that takes only signed approvals, through the CLI: approve --sign-key, approve with a
// signature ssh-keygen made over --print-payload, `ledger verify` re-checking both, and unsigned,
// foreign-key and forged approvals refused. OpenSSH's ssh-keygen judges the signatures we record.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sshKey, sshKeygenVerify } from '../../core/test/helpers/ssh-keys.js';
import { useProject } from './helpers.js';
import { runInProcess } from './in-process.js';

const config = `version: 1
stages: [staging, production]
gates:
  staging:
    metrics:
      r2: ">= 0.5"
approvals:
  production:
    count: 1
    allowedSigners: approvers/allowed_signers
`;

const project = useProject(config);
const run = (args: string[], env: Record<string, string> = {}) =>
  runInProcess(args, { cwd: project.dir, env });
let alice: Awaited<ReturnType<typeof sshKey>>;
let mallory: Awaited<ReturnType<typeof sshKey>>;

interface Granted {
  type: string;
  by?: string;
  version?: string;
  data: { signature?: { sshsig: string; head: { seq: number; hash: string }; key?: string } };
}
const granted = async () =>
  (JSON.parse((await run(['history', 'm', '--json'])).stdout) as { events: Granted[] }).events.filter(
    (e) => e.type === 'approval.granted',
  );

async function candidate(name: string, slope: number): Promise<string> {
  const model = project.model(name, slope, 0.9);
  const registered = await run(['register', 'm', '--path', model.path, '--metrics', model.metrics, '--json']);
  expect(registered.code, registered.stderr).toBe(0);
  const version = (JSON.parse(registered.stdout) as { version: string }).version;
  const staged = await run(['promote', 'm', version, '--to', 'staging']);
  expect(staged.code, staged.stderr).toBe(0);
  expect((await run(['promote', 'm', version, '--to', 'production', '--by', 'ci'])).code).toBe(4);
  return version;
}

beforeAll(async () => {
  execFileSync('mkdir', ['-p', join(project.dir, 'approvers')]);
  alice = await sshKey(join(project.dir, 'approvers'), 'alice');
  mallory = await sshKey(join(project.dir, 'approvers'), 'mallory');
  writeFileSync(join(project.dir, 'approvers', 'allowed_signers'), `alice ${alice.pub}\n`);
});

describe('a stage that takes only signed approvals', () => {
  it('refuses unsigned, foreign-key and wrong-name approvals with exit 2 and why, recording nothing', async () => {
    const v = await candidate('a', 2);
    const unsigned = await run(['approve', 'm', v, '--stage', 'production', '--by', 'alice']);
    expect(unsigned.code).toBe(2);
    expect(unsigned.stderr).toContain('takes only signed approvals');
    expect(unsigned.stderr).toContain('approvals.production.allowedSigners');
    expect(unsigned.stderr).toContain('--sign-key');
    const foreign = await run([
      'approve',
      'm',
      v,
      '--stage',
      'production',
      '--by',
      'alice',
      '--sign-key',
      mallory.path,
    ]);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/key SHA256:\S+ is not in allowed_signers/);
    const impostor = await run([
      'approve',
      'm',
      v,
      '--stage',
      'production',
      '--by',
      'bob',
      '--sign-key',
      alice.path,
    ]);
    expect(impostor.code).toBe(2);
    expect(impostor.stderr).toContain('not for bob');
    expect(`${foreign.stdout}${foreign.stderr}${impostor.stderr}`).not.toContain('PRIVATE KEY');
    expect(await granted()).toEqual([]);
  });

  it('approve --sign-key deploys, records a signature ssh-keygen verifies, and ledger verify passes', async () => {
    const v = 'v1';
    const approved = await run([
      'approve',
      'm',
      v,
      '--stage',
      'production',
      '--by',
      'alice',
      '--sign-key',
      alice.path,
    ]);
    expect(approved.code, approved.stderr).toBe(0);
    const [event] = await granted();
    expect(event?.by).toBe('alice');
    const signature = event?.data.signature;
    expect(signature?.key).toMatch(/^SHA256:/);
    // OpenSSH judges what we recorded, over the payload print-payload gives at the signed head.
    const { approvalMessage, approvalPayload } = await import('@modelship/core');
    const digest = (
      JSON.parse((await run(['status', 'm', '--json'])).stdout) as {
        versions: { id: string; manifestDigest?: string }[];
      }
    ).versions.find((x) => x.id === v)?.manifestDigest;
    expect(digest).toMatch(/^sha256:/);
    const message = approvalMessage(
      approvalPayload({
        model: 'm',
        version: v,
        stage: 'production',
        approver: 'alice',
        manifestDigest: digest ?? null,
        ledgerHead: signature!.head,
      }),
    );
    const judged = await sshKeygenVerify({
      dir: project.dir,
      allowedSigners: join(project.dir, 'approvers', 'allowed_signers'),
      principal: 'alice',
      message,
      signature: signature!.sshsig,
    });
    expect(judged.output).toContain('Good "modelship-approval" signature for alice');
    const verified = await run(['ledger', 'verify']);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toContain('approvals in production signed by allowed_signers');
  });

  it('accepts a signature ssh-keygen made over --print-payload (agent or hardware keys)', async () => {
    const v = await candidate('b', 3);
    const printed = await run([
      'approve',
      'm',
      v,
      '--stage',
      'production',
      '--by',
      'alice',
      '--print-payload',
    ]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(await granted()).toHaveLength(1);
    const payload = join(project.dir, 'approval.json');
    writeFileSync(payload, printed.stdout);
    execFileSync('ssh-keygen', ['-Y', 'sign', '-q', '-n', 'modelship-approval', '-f', alice.path, payload], {
      stdio: 'pipe',
    });
    const approved = await run([
      'approve',
      'm',
      v,
      '--stage',
      'production',
      '--by',
      'alice',
      '--signature',
      `${payload}.sig`,
    ]);
    expect(approved.code, approved.stderr).toBe(0);
    expect((await granted()).map((e) => e.version)).toEqual(['v1', v]);
    expect((await run(['ledger', 'verify'])).code).toBe(0);
  });

  it('in GitHub Actions still needs --by to be GITHUB_ACTOR, and then that user’s signature', async () => {
    const v = await candidate('d', 5);
    const gha = { GITHUB_ACTIONS: 'true', GITHUB_ACTOR: 'alice' };
    const asOther = await run(
      ['approve', 'm', v, '--stage', 'production', '--by', 'bob', '--sign-key', alice.path],
      gha,
    );
    expect(asOther.code).toBe(2);
    expect(asOther.stderr).toContain('GITHUB_ACTOR=alice');
    const unsigned = await run(['approve', 'm', v, '--stage', 'production', '--by', 'alice'], gha);
    expect(unsigned.code).toBe(2);
    const signed = await run(
      ['approve', 'm', v, '--stage', 'production', '--by', 'alice', '--sign-key', alice.path],
      gha,
    );
    expect(signed.code, signed.stderr).toBe(0);
    expect((await run(['ledger', 'verify'])).code).toBe(0);
  });

  it('ledger verify fails on an approval appended by hand without a valid signature', async () => {
    const v = await candidate('c', 4);
    // Someone with write access copies alice's signature onto another version, re-chaining the hashes.
    const { hashEvent } = await import('@modelship/core');
    const dir = join(project.dir, '.modelship', 'ledger');
    const batches = readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .sort();
    const lines = readFileSync(join(dir, batches[batches.length - 1]!), 'utf8')
      .trim()
      .split('\n');
    const last = JSON.parse(lines[lines.length - 1]!) as { seq: number; hash: string };
    const [first] = await granted();
    const forged: Record<string, unknown> = {
      schema: 'modelship.ledger.event/v1',
      type: 'approval.granted',
      at: new Date().toISOString(),
      model: 'm',
      version: v,
      stage: 'production',
      by: 'alice',
      data: { signature: first!.data.signature },
      seq: last.seq + 1,
      id: 'evt_forged',
      prev: last.hash,
    };
    forged.hash = hashEvent(forged as never);
    writeFileSync(
      join(dir, `${String(last.seq + 1).padStart(12, '0')}.jsonl`),
      `${JSON.stringify(forged)}\n`,
    );
    const verified = await run(['ledger', 'verify']);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(
      /forged: .*alice's approval of m v\d+ for production: .*does not match what is signed/,
    );
  });
});

describe('from modelship init', () => {
  const fresh = useProject();
  const at = (args: string[]) => runInProcess(args, { cwd: fresh.dir });

  it('uncommenting allowedSigners in the template makes production take only signed approvals', async () => {
    expect((await at(['init', '--force'])).code).toBe(0);
    const file = join(fresh.dir, 'modelship.config.yaml');
    const template = readFileSync(file, 'utf8');
    expect(template).toContain('# allowedSigners: .github/allowed_signers');
    writeFileSync(file, template.replace('# allowedSigners:', 'allowedSigners:'));
    execFileSync('mkdir', ['-p', join(fresh.dir, '.github')]);
    const carol = await sshKey(join(fresh.dir, '.github'), 'carol');
    writeFileSync(join(fresh.dir, '.github', 'allowed_signers'), `carol ${carol.pub}\n`);

    const model = fresh.model('a', 2, 0.9);
    expect((await at(['register', 'm', '--path', model.path, '--metrics', model.metrics])).code).toBe(0);
    for (const stage of ['development', 'staging'])
      expect((await at(['promote', 'm', 'v1', '--to', stage])).code, stage).toBe(0);
    expect((await at(['promote', 'm', 'v1', '--to', 'production', '--by', 'ci'])).code).toBe(4);
    const unsigned = await at(['approve', 'm', 'v1', '--stage', 'production', '--by', 'carol']);
    expect(unsigned.code).toBe(2);
    expect(unsigned.stderr).toContain('takes only signed approvals');
    const signed = await at([
      'approve',
      'm',
      'v1',
      '--stage',
      'production',
      '--by',
      'carol',
      '--sign-key',
      carol.path,
    ]);
    expect(signed.code, signed.stderr).toBe(0);
    const verified = await at(['ledger', 'verify']);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toContain('approvals in production signed by allowed_signers');
  });
});
