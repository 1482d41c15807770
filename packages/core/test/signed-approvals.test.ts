// Signed approvals, judged by OpenSSH: what ssh-keygen signs modelship accepts, what modelship
// signs ssh-keygen verifies, and a key, namespace, principal or payload that is wrong is refused.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approvalMessage,
  approvalPayload,
  createMemoryLedger,
  createPromoter,
  findAllowedSigner,
  parseAllowedSigners,
  readSshPrivateKey,
  signApproval,
  signSshSig,
  verifySshSig,
} from '../src/index.js';
import { type KeyType, sshKey, sshKeygenSign, sshKeygenVerify } from './helpers/ssh-keys.js';

let dir: string;
const keys: Record<string, Awaited<ReturnType<typeof sshKey>>> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelship-sshsig-'));
  for (const type of ['ed25519', 'rsa', 'ecdsa'] as KeyType[])
    keys[type] = await sshKey(dir, `alice-${type}`, type);
  keys.mallory = await sshKey(dir, 'mallory');
  keys.locked = await sshKey(dir, 'locked', 'ed25519', 'open sesame');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const payload = approvalPayload({
  model: 'churn',
  version: 'v2',
  stage: 'production',
  approver: 'alice',
  manifestDigest: `sha256:${'a'.repeat(64)}`,
  ledgerHead: { seq: 7, hash: `sha256:${'b'.repeat(64)}` },
});
const message = approvalMessage(payload);

async function allowedSignersFile(lines: string[]): Promise<string> {
  const file = join(dir, `allowed-${Math.random().toString(36).slice(2)}`);
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

describe.each(['ed25519', 'rsa', 'ecdsa'] as KeyType[])('SSHSIG with an %s key', (type) => {
  it('accepts what ssh-keygen -Y sign made', async () => {
    const signature = await sshKeygenSign(dir, keys[type]!.path, message);
    const checked = verifySshSig(signature, message, 'modelship-approval');
    expect(checked).toMatchObject({ ok: true });
  });

  it('makes signatures ssh-keygen -Y verify accepts for the principal in allowed_signers', async () => {
    const signature = signSshSig(readSshPrivateKey(keys[type]!.text, 'key'), message, 'modelship-approval');
    const allowed = await allowedSignersFile([`alice ${keys[type]!.pub}`]);
    const verdict = await sshKeygenVerify({
      dir,
      allowedSigners: allowed,
      principal: 'alice',
      message,
      signature,
    });
    expect(verdict.output).toContain('Good "modelship-approval" signature for alice');
    expect(verdict.ok).toBe(true);
    // and ssh-keygen refuses it for a tampered message, as modelship does
    const tampered = message.replace('"v2"', '"v3"');
    expect(
      (
        await sshKeygenVerify({
          dir,
          allowedSigners: allowed,
          principal: 'alice',
          message: tampered,
          signature,
        })
      ).ok,
    ).toBe(false);
    expect(verifySshSig(signature, tampered, 'modelship-approval')).toMatchObject({ ok: false });
  });
});

describe('refusals', () => {
  it('refuses a signature made for another namespace, and says which', async () => {
    const signature = await sshKeygenSign(dir, keys.ed25519!.path, message, 'git');
    const checked = verifySshSig(signature, message, 'modelship-approval');
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.reason).toContain('namespace "git", not "modelship-approval"');
  });

  it('refuses a tampered payload', async () => {
    const signature = await sshKeygenSign(dir, keys.ed25519!.path, message);
    const other = approvalMessage({ ...payload, manifestDigest: `sha256:${'c'.repeat(64)}` });
    const checked = verifySshSig(signature, other, 'modelship-approval');
    expect(!checked.ok && checked.reason).toContain('does not match what is signed');
  });

  it('refuses garbage in place of a signature', () => {
    expect(verifySshSig('hello', message, 'modelship-approval')).toMatchObject({ ok: false });
    const body = '-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----';
    expect(verifySshSig(body, message, 'modelship-approval')).toMatchObject({ ok: false });
  });

  it('finds the signer only for its key, principal, namespace and validity', async () => {
    const signers = parseAllowedSigners(
      [
        '# approvers',
        `alice,bob ${keys.ed25519!.pub}`,
        `carol namespaces="git" ${keys.rsa!.pub}`,
        `"dave" valid-before="20200101Z" ${keys.ecdsa!.pub}`,
        `*,!mallory cert-authority ${keys.mallory!.pub}`,
      ].join('\n'),
      'allowed_signers',
    );
    expect(signers).toHaveLength(4);
    const query = (key: string, principal: string) => ({
      principal,
      publicKey: readSshPrivateKey(keys[key]!.text, key).publicKey,
      namespace: 'modelship-approval',
      at: new Date('2026-01-01T00:00:00Z'),
    });
    expect(findAllowedSigner(signers, query('ed25519', 'bob')).ok).toBe(true);
    const refusals: Array<[key: string, principal: string, reason: string]> = [
      ['ed25519', 'mallory', 'not for mallory'],
      ['rsa', 'carol', 'namespace'],
      ['ecdsa', 'dave', 'not valid at'],
      // a certificate authority never vouches for a plain key
      ['mallory', 'zoe', 'not in allowed_signers'],
    ];
    for (const [key, principal, reason] of refusals) {
      expect(findAllowedSigner(signers, query(key, principal))).toMatchObject({
        ok: false,
        reason: expect.stringContaining(reason),
      });
    }
  });

  it('names the line of a broken allowed_signers file', () => {
    expect(() =>
      parseAllowedSigners(`alice ${keys.ed25519!.pub}\nbob ssh-ed25519 AAAAnotakey\n`, 'signers.txt'),
    ).toThrow(/signers\.txt line 2: the key does not parse/);
    expect(() => parseAllowedSigners(`alice frobnicate ${keys.ed25519!.pub}`, 'signers.txt')).toThrow(
      /unknown option "frobnicate"/,
    );
  });

  it('opens a passphrase-protected key only with its passphrase', () => {
    expect(() => readSshPrivateKey(keys.locked!.text, '~/.ssh/locked')).toThrow(/protected by a passphrase/);
    expect(() => readSshPrivateKey(keys.locked!.text, '~/.ssh/locked', 'wrong')).toThrow(/locked/);
    expect(readSshPrivateKey(keys.locked!.text, '~/.ssh/locked', 'open sesame').type).toBe('ssh-ed25519');
  });
});

describe('an approval a stage wants signed', () => {
  async function setup(count = 1) {
    const allowed = await allowedSignersFile([`alice ${keys.ed25519!.pub}`, `bob ${keys.rsa!.pub}`]);
    const config = {
      stages: ['production'],
      approvals: { production: { count, allowedSigners: allowed } },
    };
    const ledger = createMemoryLedger();
    const promoter = createPromoter({ config, ledger, env: { USER: 'ci' } });
    const version = await promoter.register({
      model: 'churn',
      metrics: { accuracy: 0.9 },
      manifestDigest: `sha256:${'d'.repeat(64)}`,
    });
    await promoter.promote({ model: 'churn', version: version.id, to: 'production', by: 'ci' });
    const where = { model: 'churn', version: version.id, stage: 'production' };
    const verifyWith = async () => {
      const { approvalSignersFor } = await import('../src/index.js');
      return ledger.verify({ approvalSigners: await approvalSignersFor(promoter.config, process.cwd()) });
    };
    return { promoter, ledger, where, verifyWith };
  }

  it('refuses an unsigned approval, naming the allowed_signers file and the flag', async () => {
    const { promoter, where } = await setup();
    await expect(promoter.approve({ ...where, by: 'alice' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(
        /takes only signed approvals \(approvals\.production\.allowedSigners: .*--sign-key/,
      ),
    });
    expect(
      (await promoter.status('churn')).stages.find((s) => s.name === 'production')?.pendingApprovals,
    ).toHaveLength(1);
  });

  it('counts an approval ssh-keygen signed, records the signature, and ledger verify re-checks it', async () => {
    const { promoter, where, verifyWith } = await setup();
    const signed = await promoter.approvalPayload({ ...where, by: 'alice' });
    const sshsig = await sshKeygenSign(dir, keys.ed25519!.path, approvalMessage(signed));
    const result = await promoter.approve({
      ...where,
      by: 'alice',
      signature: { head: signed.ledgerHead, sshsig },
    });
    expect(result.outcome).toBe('promoted');
    const events = await promoter.history('churn');
    const granted = events.find((e) => e.type === 'approval.granted');
    expect(granted?.data).toMatchObject({ signature: { head: signed.ledgerHead, sshsig } });
    expect(await verifyWith()).toMatchObject({ ok: true, problems: [] });
  });

  it('refuses a key not listed for the approver, and a signature over another version', async () => {
    const { promoter, where } = await setup();
    const payload = await promoter.approvalPayload({ ...where, by: 'alice' });
    const byMallory = signApproval(payload, { text: keys.mallory!.text, source: 'mallory' });
    await expect(promoter.approve({ ...where, by: 'alice', signature: byMallory })).rejects.toThrow(
      /key SHA256:\S+ is not in allowed_signers/,
    );
    // bob's key is listed, but for bob: signing as alice with it fails
    const asBob = signApproval(payload, { text: keys.rsa!.text, source: 'bob' });
    await expect(promoter.approve({ ...where, by: 'alice', signature: asBob })).rejects.toThrow(
      /not for alice/,
    );
    const other = signApproval(
      { ...payload, version: 'v999' },
      { text: keys.ed25519!.text, source: 'alice' },
    );
    await expect(promoter.approve({ ...where, by: 'alice', signature: other })).rejects.toThrow(
      /does not match what is signed/,
    );
    const offChain = signApproval(
      { ...payload, ledgerHead: { seq: 1, hash: `sha256:${'0'.repeat(64)}` } },
      { text: keys.ed25519!.text, source: 'alice' },
    );
    await expect(promoter.approve({ ...where, by: 'alice', signature: offChain })).rejects.toThrow(
      /not on this ledger/,
    );
  });

  it('ledger verify catches an approval appended without a signature, or with one copied from elsewhere', async () => {
    const { promoter, ledger, where, verifyWith } = await setup(2);
    const payload = await promoter.approvalPayload({ ...where, by: 'alice' });
    const signature = signApproval(payload, { text: keys.ed25519!.text, source: 'alice' });
    await promoter.approve({ ...where, by: 'alice', signature });
    expect(await verifyWith()).toMatchObject({ ok: true });
    // Someone with write access to the ledger but no key appends approvals by hand.
    const forge = async (by: string, data: Record<string, unknown>) => {
      const { head } = await ledger.load();
      const event = { type: 'approval.granted' as const, at: new Date().toISOString(), ...where, by, data };
      await ledger.append([event], { expectedHead: head });
    };
    await forge('bob', { signature });
    const report = await verifyWith();
    expect(report.problems.map((p) => p.kind)).toEqual(['forged']);
    expect(report.problems[0]?.message).toMatch(
      /bob's approval of churn v\d+ for production: .*does not match what is signed/,
    );
  });

  it('ledger verify names an unsigned approval in a stage that requires signatures', async () => {
    const { ledger, where, verifyWith } = await setup();
    const { head } = await ledger.load();
    const event = {
      type: 'approval.granted' as const,
      at: new Date().toISOString(),
      ...where,
      by: 'bob',
      data: {},
    };
    await ledger.append([event], { expectedHead: head });
    const report = await verifyWith();
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: 'unsigned',
        message: expect.stringMatching(
          /bob's approval .* is not signed, but approvals\.production\.allowedSigners/,
        ),
      }),
    ]);
    // without the stage's signers (an old config), the same ledger verifies: nothing present is false
    expect(await ledger.verify()).toMatchObject({ ok: true });
  });
});
