import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { argvToManifestCommand, runManifestCli } from '../src/cli.js';
import { ManifestErrorCode } from '../src/index.js';
import { ensureBuilt, runBin } from './dist.js';
import { algorithmiaFixtures, specDir, temporaryDir } from './helpers.js';
import { loadVectors, materialise } from './vector-runner.js';

beforeAll(ensureBuilt, 120_000);

describe('argvToManifestCommand', () => {
  it('maps verify flags', () => {
    expect(
      argvToManifestCommand(['verify', 'm.json', '--model', 'x.pkl', '--algorithm', 'all', '--json']),
    ).toEqual({
      command: 'verify',
      manifest: 'm.json',
      model: 'x.pkl',
      root: undefined,
      algorithm: 'all',
      publicKey: undefined,
      strict: false,
      cache: undefined,
      json: true,
    });
  });

  it('maps create flags', () => {
    expect(
      argvToManifestCommand([
        'create',
        'dir',
        '--format',
        'algorithmia',
        '--algorithms',
        'md5',
        '--uri',
        'data://a/b',
      ]),
    ).toMatchObject({
      command: 'create',
      path: 'dir',
      format: 'algorithmia',
      algorithms: ['md5'],
      uri: 'data://a/b',
    });
  });

  it.each([
    [['verify']],
    [['verify', 'a', 'b']],
    [['verify', 'm.json', '--root', 'r', '--model', 'm']],
    [['verify', 'm.json', '--bogus']],
    [['create', 'x', '--format', 'onnx']],
    [['create', 'x', '--format', 'algorithmia', '--sign-key', 'k.pem']],
    [['publish']],
  ])('rejects %j as usage error', (argv) => {
    expect(() => argvToManifestCommand(argv)).toThrow(
      expect.objectContaining({ code: ManifestErrorCode.INVALID_OPTIONS }),
    );
  });
});

describe('runManifestCli (the library form the modelship CLI reuses)', () => {
  it('writes to the given streams and resolves the exit code', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
    };
    const code = await runManifestCli(
      [
        'verify',
        join(algorithmiaFixtures, 'tampered-model_manifest.json'),
        '--model',
        join(algorithmiaFixtures, 'tampered-model.pkl'),
        '--json',
      ],
      io,
    );
    expect(code).toBe(1);
    expect(JSON.parse(out.join(''))).toMatchObject({
      ok: false,
      code: 'MODEL_DIGEST_MISMATCH',
      issues: [
        {
          expected: '70367caa502a62e043b80cb33f017446',
          actual: '14de79a5198bb80ba4c4f4d82acab740',
          algorithm: 'md5',
        },
      ],
    });
    expect(err.join('')).toContain('INTEGRITY FAILURE');
  });
});

describe('modelship-manifest (spawned bin)', () => {
  it('exits 1 on the real tampered Algorithmia pair and prints both hashes', () => {
    const result = runBin([
      'verify',
      join(algorithmiaFixtures, 'tampered-model_manifest.json'),
      '--model',
      join(algorithmiaFixtures, 'tampered-model.pkl'),
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('70367caa502a62e043b80cb33f017446');
    expect(result.stderr).toContain('14de79a5198bb80ba4c4f4d82acab740');
  });

  it('creates and verifies a signed directory manifest, then catches a flipped byte', async () => {
    const dir = await temporaryDir();
    await writeFile(join(dir, 'a.bin'), Buffer.alloc(2048, 1));
    await writeFile(join(dir, 'b.bin'), 'b');
    const key = join(specDir, 'keys', 'test-ed25519.key.pem');
    const created = runBin(['create', dir, '--name', 'demo', '--model-version', '2.0.0', '--sign-key', key]);
    expect(created.stderr).toBe('');
    expect(created.exitCode).toBe(0);
    expect(created.stdout).toContain('2 file(s)');
    const manifest = join(dir, 'modelship.manifest.json');
    const publicKey = join(specDir, 'keys', 'test-ed25519.pub.pem');
    const verified = runBin(['verify', manifest, '--public-key', publicKey, '--strict', '--json']);
    expect(verified.exitCode).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, signature: 'verified', files: [{}, {}] });
    const bytes = await readFile(join(dir, 'a.bin'));
    bytes[1000] = 9;
    await writeFile(join(dir, 'a.bin'), bytes);
    const failed = runBin(['verify', manifest, '--json']);
    expect(failed.exitCode).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ ok: false, code: 'MODEL_DIGEST_MISMATCH' });
  });

  it('writes an Algorithmia manifest that keeps foreign keys and verifies with --model', async () => {
    const dir = await temporaryDir();
    const model = join(dir, 'model.pkl');
    await writeFile(model, 'pickle');
    const out = join(dir, 'model_manifest.json');
    await writeFile(out, JSON.stringify({ model_filepath: 'old', kept_by_us: 'yes' }));
    const created = runBin([
      'create',
      model,
      '--format',
      'algorithmia',
      '--uri',
      'data://acme/churn/model.pkl',
      '--out',
      out,
    ]);
    expect(created.exitCode).toBe(0);
    const written = JSON.parse(await readFile(out, 'utf8'));
    expect(written).toMatchObject({
      kept_by_us: 'yes',
      model_filepath: 'acme/churn/model.pkl',
      model_md5_hash: expect.stringMatching(/^[0-9a-f]{32}$/),
      model_uploaded_utc: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/),
    });
    expect(runBin(['verify', out, '--model', model]).exitCode).toBe(0);
  });

  it('exits 2 on bad input: usage, malformed manifest, unreadable file', async () => {
    const dir = await temporaryDir();
    await writeFile(join(dir, 'bad.json'), '{"schema": ');
    expect(runBin(['verify']).exitCode).toBe(2);
    const malformed = runBin(['verify', join(dir, 'bad.json')]);
    expect(malformed.exitCode).toBe(2);
    expect(malformed.stderr).toContain('MANIFEST_MALFORMED_JSON');
    expect(runBin(['verify', join(dir, 'absent.json')]).exitCode).toBe(2);
    expect(runBin(['create', join(dir, 'absent-model')]).exitCode).toBe(2);
  });

  it('prints usage with exit 0 for --help', () => {
    const help = runBin(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('modelship-manifest verify');
  });
});

describe('shared vectors through the spawned bin', async () => {
  const vectors = await loadVectors();
  it.each(vectors.map((vector) => [vector.name, vector] as const))('%s', async (_name, vector) => {
    const paths = await materialise(vector);
    const args = ['verify', paths.manifestPath, '--json'];
    if (paths.model) args.push('--model', paths.model);
    else args.push('--root', paths.root);
    if (vector.options.algorithm) args.push('--algorithm', vector.options.algorithm);
    if (vector.options.strict) args.push('--strict');
    if (paths.publicKey) args.push('--public-key', paths.publicKey);
    const result = runBin(args);
    expect(result.exitCode, result.stderr).toBe(vector.expect.exitCode);
    const output = JSON.parse(result.stdout);
    if (vector.expect.code) expect(output.code).toBe(vector.expect.code);
    for (const text of vector.expect.messageIncludes ?? []) expect(result.stderr).toContain(text);
  });
});
