// OpenSSF Model Signing bundles, judged by the reference tool (PyPI model-signing, in the
// `modelsigning` test-peer venv): what it signs modelship verifies, what modelship signs it
// verifies, and both refuse the same tampering.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensurePeers, venvBin } from '../../../scripts/peers.mjs';
import { runManifestCli } from '../src/cli.js';
import { ManifestErrorCode, verifyModel } from '../src/index.js';
import { temporaryDir } from './helpers.js';

beforeAll(() => ensurePeers(['modelsigning']), 1_200_000);

const python = () => venvBin('python', 'modelsigning');
const modelSigning = () => venvBin('model_signing', 'modelsigning');

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runManifestCli(args, {
    stdout: {
      write: (text: string) => {
        stdout += text;
        return true;
      },
    } as never,
    stderr: {
      write: (text: string) => {
        stderr += text;
        return true;
      },
    } as never,
  });
  return { code, stdout, stderr };
}

async function keys(curve: 'P-256' | 'P-384' | 'P-521' = 'P-256') {
  const dir = await temporaryDir();
  const pair = generateKeyPairSync('ec', { namedCurve: curve });
  const privateKey = join(dir, 'key.pem');
  const publicKey = join(dir, 'key.pub');
  await writeFile(privateKey, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await writeFile(publicKey, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  return { privateKey, publicKey };
}

/** A model with the git files model_signing ignores by default. */
async function model() {
  const root = join(await temporaryDir(), 'my-model');
  const files: Record<string, string> = {
    'config.json': '{"layers": 2}',
    'weights/part-1.bin': 'a'.repeat(5000),
    'weights/part-2.bin': 'b'.repeat(3000),
    'weights.bin': 'c'.repeat(100),
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.github/workflows/ci.yml': 'on: push\n',
    '.gitattributes': '*.bin filter=lfs\n',
    '.gitignore': '*.tmp\n',
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

/**
 * model_signing signs or verifies with a key: by files through its CLI; with shards through its library,
 * as the CLI has no shards option, and model_signing 1.1.1 cannot verify a shards bundle from its
 * recorded parameters (the CLI always re-hashes by files; the library reads shard_size back as a float
 * and fails), so the judge is the library with the shard size given explicitly.
 */
const tool = {
  sign: {
    cliArgs: (root: string, key: string, signature: string) => [
      'sign',
      'key',
      root,
      '--private_key',
      key,
      '--signature',
      signature,
    ],
    libraryConfig: 'model_signing.signing.Config().use_elliptic_key_signer(private_key=sys.argv[1])',
  },
  verify: {
    cliArgs: (root: string, key: string, signature: string) => [
      'verify',
      'key',
      root,
      '--signature',
      signature,
      '--public_key',
      key,
    ],
    libraryConfig: 'model_signing.verifying.Config().use_elliptic_key_verifier(public_key=sys.argv[1])',
  },
};

function runTool(action: keyof typeof tool, root: string, key: string, shardSize?: number) {
  const signature = join(root, 'model.sig');
  const script = `import sys, model_signing
${tool[action].libraryConfig}.set_hashing_config(
    model_signing.hashing.Config().use_shard_serialization(shard_size=int(sys.argv[2]))
).${action}(sys.argv[3], sys.argv[4])`;
  const [command, args] =
    shardSize === undefined
      ? [modelSigning(), tool[action].cliArgs(root, key, signature)]
      : [python(), ['-c', script, key, String(shardSize), root, signature]];
  const result = spawnSync(command, args, { encoding: 'utf8' });
  // A tool that did not start (a stale venv) is the set-up's fault, not a refusal to verify.
  if (result.error)
    throw new Error(`${command} did not run (${result.error.message}); run \`npm run peers\``);
  return result;
}

const toolSign = (root: string, privateKey: string, shardSize?: number) =>
  runTool('sign', root, privateKey, shardSize);
const toolVerify = (root: string, publicKey: string, shardSize?: number) =>
  runTool('verify', root, publicKey, shardSize);

const tamperings = {
  'a tampered file': (root: string) => writeFile(join(root, 'weights', 'part-2.bin'), 'B'.repeat(3000)),
  'an extra file': (root: string) => writeFile(join(root, 'weights', 'part-3.bin'), 'new'),
  'a renamed file': (root: string) => rename(join(root, 'weights.bin'), join(root, 'weights-renamed.bin')),
  'a removed file': (root: string) => rm(join(root, 'config.json')),
};

/** Changes to the paths model_signing ignores by default: neither side may care. */
async function touchIgnoredPaths(root: string) {
  await writeFile(join(root, '.git', 'HEAD'), 'ref: refs/heads/other\n');
  await writeFile(join(root, '.github', 'workflows', 'release.yml'), 'on: tag\n');
  await writeFile(join(root, '.gitattributes'), '');
  await writeFile(join(root, '.gitignore'), '*.log\n');
}

for (const shardSize of [undefined, 1024]) {
  const method = shardSize === undefined ? 'files' : 'shards';

  describe(`OMS bundles, ${method} method, signed by model_signing and verified by modelship`, () => {
    it('verify, also after the ignored git paths change', async () => {
      const root = await model();
      const { privateKey, publicKey } = await keys();
      const signed = toolSign(root, privateKey, shardSize);
      expect(signed.status, signed.stderr).toBe(0);
      await touchIgnoredPaths(root);
      const result = await cli(['verify', join(root, 'model.sig'), '--public-key', publicKey]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('verified 4 file(s) against');
      expect(result.stdout).toContain('signature verified');
      const report = await verifyModel({
        manifest: join(root, 'model.sig'),
        publicKey: await readFile(publicKey),
      });
      expect(report.format).toBe('oms');
      expect(report.files.map((file) => file.path).sort()).toEqual([
        'config.json',
        'weights.bin',
        'weights/part-1.bin',
        'weights/part-2.bin',
      ]);
    });

    for (const [what, tamper] of Object.entries(tamperings)) {
      it(`refuse ${what}, as model_signing does`, async () => {
        const root = await model();
        const { privateKey, publicKey } = await keys();
        expect(toolSign(root, privateKey, shardSize).status).toBe(0);
        await tamper(root);
        expect(toolVerify(root, publicKey, shardSize).status).not.toBe(0);
        const result = await cli(['verify', join(root, 'model.sig'), '--public-key', publicKey]);
        expect(result.code).toBe(1);
        expect(result.stderr).toContain('INTEGRITY FAILURE');
      });
    }
  });

  describe(`OMS bundles, ${method} method, signed by modelship and verified by model_signing`, () => {
    for (const curve of ['P-256', 'P-384', 'P-521'] as const) {
      it(`verify with a ${curve} key, also after the ignored git paths change`, async () => {
        const root = await model();
        const { privateKey, publicKey } = await keys(curve);
        const args = ['create', root, '--format', 'oms', '--sign-key', privateKey];
        const created = await cli(
          shardSize === undefined ? args : [...args, '--shard-size', String(shardSize)],
        );
        expect(created.stderr).toBe('');
        expect(created.stdout).toContain(`OMS bundle, ${method} method`);
        await touchIgnoredPaths(root);
        const judged = toolVerify(root, publicKey, shardSize);
        expect(judged.status, judged.stderr + judged.stdout).toBe(0);
        expect((await cli(['verify', join(root, 'model.sig'), '--public-key', publicKey])).code).toBe(0);
      });
    }

    for (const [what, tamper] of Object.entries(tamperings)) {
      it(`refuse ${what}, as modelship does`, async () => {
        const root = await model();
        const { privateKey, publicKey } = await keys();
        const args = ['create', root, '--format', 'oms', '--sign-key', privateKey];
        await cli(shardSize === undefined ? args : [...args, '--shard-size', String(shardSize)]);
        await tamper(root);
        expect(toolVerify(root, publicKey, shardSize).status).not.toBe(0);
        expect((await cli(['verify', join(root, 'model.sig'), '--public-key', publicKey])).code).toBe(1);
      });
    }
  });
}

describe('OMS bundles in modelship', () => {
  it('refuse another key, a forged statement, and bad input with exit 2', async () => {
    const root = await model();
    const { privateKey, publicKey } = await keys();
    await cli(['create', root, '--format', 'oms', '--sign-key', privateKey]);
    const other = await keys();
    const wrongKey = await cli(['verify', join(root, 'model.sig'), '--public-key', other.publicKey]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain(ManifestErrorCode.SIGNATURE_INVALID);
    expect(wrongKey.stderr).toContain('names another key');

    const bundle = JSON.parse(await readFile(join(root, 'model.sig'), 'utf8'));
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString());
    statement.predicate.resources[0].digest = '0'.repeat(64);
    bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    await writeFile(join(root, 'forged.sig'), JSON.stringify(bundle));
    const forged = await cli(['verify', join(root, 'forged.sig'), '--root', root, '--public-key', publicKey]);
    expect(forged.code).toBe(1);
    expect(forged.stderr).toContain(ManifestErrorCode.SIGNATURE_INVALID);

    const noKey = await cli(['verify', join(root, 'model.sig')]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('--public-key');

    const ed25519 = join(await temporaryDir(), 'ed.pem');
    await writeFile(
      ed25519,
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    );
    const wrongType = await cli([
      'create',
      root,
      '--format',
      'oms',
      '--sign-key',
      ed25519,
      '--out',
      join(root, 'x.sig'),
    ]);
    expect(wrongType.code).toBe(2);
    expect(wrongType.stderr).toContain('ECDSA P-256, P-384 or P-521');
  });
});
