// A real keyless (Sigstore) model_signing bundle from sigstore/model-transparency's own test data
// (test/fixtures/oms-keyless/README.md), verified offline against the public-good trusted root.
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runManifestCli } from '../src/cli.js';
import { ManifestErrorCode, openVerified, verifyModel } from '../src/index.js';
import { packageDir, temporaryDir } from './helpers.js';

const fixtures = join(packageDir, 'test', 'fixtures', 'oms-keyless');
const identity = 'stefanb@us.ibm.com';
const issuer = 'https://sigstore.verify.ibm.com/oauth2';

async function copy() {
  const root = join(await temporaryDir(), 'v1.1.0-sigstore');
  await cp(join(fixtures, 'model'), root, { recursive: true });
  return { root, bundle: join(root, 'model.sig') };
}

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) => ({
    write: (text: string) => {
      append(text);
      return true;
    },
  });
  const code = await runManifestCli(args, {
    stdout: sink((text) => {
      stdout += text;
    }) as never,
    stderr: sink((text) => {
      stderr += text;
    }) as never,
  });
  return { code, stdout, stderr };
}

const policy = (bundle: string, who = identity, by = issuer, root = join(fixtures, 'trusted_root.json')) => [
  'verify',
  bundle,
  '--certificate-identity',
  who,
  '--certificate-oidc-issuer',
  by,
  '--trusted-root',
  root,
];

describe('keyless OMS bundles (Sigstore certificate + transparency log)', () => {
  it('verify offline for the signer identity and issuer, through the CLI, verifyModel and openVerified', async () => {
    const { bundle } = await copy();
    const result = await cli(policy(bundle));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`signature verified (keyless: ${identity}, issuer ${issuer})`);
    const options = {
      manifest: bundle,
      certificateIdentity: identity,
      certificateOidcIssuer: issuer,
      trustedRoot: JSON.parse(await readFile(join(fixtures, 'trusted_root.json'), 'utf8')),
    };
    const report = await verifyModel(options);
    expect(report).toMatchObject({ format: 'oms', signature: 'verified', signer: { identity, issuer } });
    expect(report.files.map((file) => file.path)).toEqual(['signme-1', 'signme-2']);
    const model = await openVerified(options);
    expect((await model.readFile('signme-1')).length).toBe(8);
    await model.close();
  });

  it('refuse another identity, another issuer, or a trusted root without its certificate authority (exit 1)', async () => {
    const { bundle } = await copy();
    for (const args of [
      policy(bundle, 'someone@example.com'),
      policy(bundle, identity, 'https://accounts.google.com'),
    ]) {
      const result = await cli(args);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(ManifestErrorCode.SIGNATURE_INVALID);
    }
    const root = JSON.parse(await readFile(join(fixtures, 'trusted_root.json'), 'utf8'));
    root.certificateAuthorities = [];
    const stripped = join(await temporaryDir(), 'no-fulcio.json');
    await writeFile(stripped, JSON.stringify(root));
    const untrusted = await cli(policy(bundle, identity, issuer, stripped));
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain('not anchored in the given trusted root');
  });

  it('refuse a tampered file, an extra file and an edited statement (exit 1)', async () => {
    const tampered = await copy();
    await writeFile(join(tampered.root, 'signme-1'), 'changed!');
    expect((await cli(policy(tampered.bundle))).stderr).toContain(ManifestErrorCode.DIGEST_MISMATCH);

    const extra = await copy();
    await writeFile(join(extra.root, 'surprise.bin'), 'x');
    expect((await cli(policy(extra.bundle))).stderr).toContain(ManifestErrorCode.FILE_EXTRA);

    const edited = await copy();
    const json = JSON.parse(await readFile(edited.bundle, 'utf8'));
    const statement = JSON.parse(Buffer.from(json.dsseEnvelope.payload, 'base64').toString());
    statement.predicate.resources[0].digest = '0'.repeat(64);
    json.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    await writeFile(edited.bundle, JSON.stringify(json));
    const result = await cli(policy(edited.bundle));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(ManifestErrorCode.SIGNATURE_INVALID);
  });

  it('need the whole policy, and say so instead of taking a public key (exit 2)', async () => {
    const { bundle } = await copy();
    const partial = await cli(['verify', bundle, '--certificate-identity', identity]);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain('--certificate-oidc-issuer and --trusted-root');
    const keyed = await cli(['verify', bundle, '--public-key', join(fixtures, 'trusted_root.json')]);
    expect(keyed.code).toBe(2);
    expect(keyed.stderr).toContain('signed keyless');
  });
});
