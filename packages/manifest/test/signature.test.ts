import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  createManifest,
  ManifestErrorCode,
  type ModelshipManifest,
  signingPayload,
  signManifest,
  verifyManifestSignature,
} from '../src/index.js';
import { specDir, temporaryDir } from './helpers.js';

interface CanonicalCase {
  input: unknown;
  canonical: string;
}
const { cases } = JSON.parse(await readFile(join(specDir, 'canonical-json.json'), 'utf8')) as {
  cases: CanonicalCase[];
};

describe('canonicalJson', () => {
  it.each(cases.map((c) => [c.canonical, c] as const))('shared case %s', (_canonical, c) => {
    expect(canonicalJson(c.input)).toBe(c.canonical);
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
  });
});

async function sample(): Promise<ModelshipManifest> {
  const dir = await temporaryDir();
  await writeFile(join(dir, 'm.bin'), 'weights');
  return (await createManifest({ path: join(dir, 'm.bin'), env: {}, cwd: dir })).manifest;
}

describe('ed25519 signatures', () => {
  const privatePem = () => readFile(join(specDir, 'keys', 'test-ed25519.key.pem'), 'utf8');
  const publicPem = () => readFile(join(specDir, 'keys', 'test-ed25519.pub.pem'), 'utf8');

  it('signs the canonical JSON without the signature member, and verifies with the trusted key', async () => {
    const signed = signManifest(await sample(), await privatePem());
    expect(signed.signature).toMatchObject({ algorithm: 'ed25519', publicKey: expect.stringMatching(/=$/) });
    expect(signingPayload(signed).toString()).not.toContain('signature');
    expect(verifyManifestSignature(signed, await publicPem())).toBe('verified');
    expect(verifyManifestSignature(signed)).toBe('self-consistent');
    expect(verifyManifestSignature(signed, signed.signature!.publicKey)).toBe('verified');
    expect(verifyManifestSignature(await sample())).toBe('unsigned');
  });

  it('rejects any change after signing, a foreign key, and a missing signature', async () => {
    const signed = signManifest(await sample(), await privatePem());
    const edited = { ...signed, version: '9.9.9' };
    expect(() => verifyManifestSignature(edited)).toThrow(
      expect.objectContaining({ code: ManifestErrorCode.SIGNATURE_INVALID }),
    );
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => verifyManifestSignature(signed, other)).toThrow(
      expect.objectContaining({ code: ManifestErrorCode.SIGNATURE_INVALID }),
    );
    const unsigned = await sample();
    const trusted = await publicPem();
    expect(() => verifyManifestSignature(unsigned, trusted)).toThrow(
      expect.objectContaining({ code: ManifestErrorCode.SIGNATURE_MISSING }),
    );
  });

  it('names the problem when a key is not ed25519', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    expect(() => signManifest(ModelshipManifestStub(), rsa.toString())).toThrow(
      expect.objectContaining({ code: ManifestErrorCode.INVALID_KEY }),
    );
  });
});

function ModelshipManifestStub(): ModelshipManifest {
  return { schema: 'modelship.manifest/v1' } as ModelshipManifest;
}
