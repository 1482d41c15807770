import { mkdir, readFile, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assertModel,
  ManifestErrorCode,
  ManifestInputError,
  ModelIntegrityError,
  verifyModel,
} from '../src/index.js';
import { algorithmiaFixtures, modelDir, temporaryDir } from './helpers.js';

async function failure(promise: Promise<unknown>): Promise<ModelIntegrityError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e) => e,
  );
  expect(ModelIntegrityError.isInstance(error)).toBe(true);
  return error;
}

describe('verifyModel', () => {
  it('verifies an untouched model with sha256 by default (one line: assertModel)', async () => {
    const { manifestPath } = await modelDir();
    const report = await assertModel(manifestPath);
    expect(report.files.map((file) => [file.path, file.algorithms])).toEqual([
      ['cfg/a.json', ['sha256']],
      ['model.bin', ['sha256']],
    ]);
    const all = await verifyModel({ manifest: manifestPath, algorithm: 'all' });
    expect(all.files[0]!.algorithms).toEqual(['md5', 'sha256']);
  });

  it('fails on the real tampered Algorithmia pair, naming both md5 digests', async () => {
    const error = await failure(
      verifyModel({
        manifest: join(algorithmiaFixtures, 'tampered-model_manifest.json'),
        model: join(algorithmiaFixtures, 'tampered-model.pkl'),
      }),
    );
    expect(error.code).toBe(ManifestErrorCode.DIGEST_MISMATCH);
    expect(error.message).toContain('70367caa502a62e043b80cb33f017446');
    expect(error.message).toContain('14de79a5198bb80ba4c4f4d82acab740');
  });

  it('reports a flipped byte with expected and actual digests', async () => {
    const { root, manifestPath, manifest } = await modelDir({ 'model.bin': Buffer.alloc(4096, 7) });
    const bytes = await readFile(join(root, 'model.bin'));
    bytes[100] = bytes[100]! ^ 1;
    await writeFile(join(root, 'model.bin'), bytes);
    const error = await failure(verifyModel({ manifest: manifestPath }));
    expect(error.issues).toEqual([
      {
        code: ManifestErrorCode.DIGEST_MISMATCH,
        path: 'model.bin',
        algorithm: 'sha256',
        expected: manifest.files[0]!.sha256,
        actual: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
  });

  it('reports truncation as a size mismatch before hashing, and every problem at once', async () => {
    const { root, manifestPath } = await modelDir({ 'a.bin': 'aaaa', 'b.bin': 'bbbb', 'c.bin': 'cccc' });
    await truncate(join(root, 'a.bin'), 2);
    await unlink(join(root, 'b.bin'));
    await writeFile(join(root, 'c.bin'), 'cccd');
    await writeFile(join(root, 'extra.bin'), 'x');
    const error = await failure(verifyModel({ manifest: manifestPath, strict: true }));
    expect(error.code).toBe(ManifestErrorCode.MULTIPLE_FAILURES);
    expect(error.issues.map((issue) => [issue.code, issue.path])).toEqual([
      [ManifestErrorCode.SIZE_MISMATCH, 'a.bin'],
      [ManifestErrorCode.FILE_MISSING, 'b.bin'],
      [ManifestErrorCode.FILE_EXTRA, 'extra.bin'],
      [ManifestErrorCode.DIGEST_MISMATCH, 'c.bin'],
    ]);
    expect(error.issues[0]).toMatchObject({ expected: 4, actual: 2 });
  });

  it('ignores extra files unless strict', async () => {
    const { root, manifestPath } = await modelDir();
    await writeFile(join(root, 'notes.txt'), 'x');
    await expect(verifyModel({ manifest: manifestPath })).resolves.toMatchObject({ ok: true });
    const error = await failure(verifyModel({ manifest: manifestPath, strict: true }));
    expect(error.code).toBe(ManifestErrorCode.FILE_EXTRA);
  });

  it('refuses a symlink that resolves outside the root', async () => {
    const { root, manifestPath } = await modelDir({ 'model.bin': 'weights' });
    const outside = await temporaryDir();
    await writeFile(join(outside, 'model.bin'), 'weights');
    await unlink(join(root, 'model.bin'));
    await symlink(join(outside, 'model.bin'), join(root, 'model.bin'));
    const error = await verifyModel({ manifest: manifestPath }).catch((e) => e);
    expect(ManifestInputError.isInstance(error)).toBe(true);
    expect(error.code).toBe(ManifestErrorCode.SYMLINK_ESCAPE);
  });

  it('rejects unknown and unavailable algorithms with their own codes', async () => {
    const { manifestPath } = await modelDir();
    await expect(verifyModel({ manifest: manifestPath, algorithm: 'sha1' })).rejects.toMatchObject({
      code: ManifestErrorCode.UNKNOWN_ALGORITHM,
    });
    const algorithmia = join(algorithmiaFixtures, 'tampered-model_manifest.json');
    await expect(
      verifyModel({
        manifest: algorithmia,
        model: join(algorithmiaFixtures, 'tampered-model.pkl'),
        algorithm: 'sha256',
      }),
    ).rejects.toMatchObject({ code: ManifestErrorCode.ALGORITHM_UNAVAILABLE });
  });

  it('detects an edited file list through the aggregate digest', async () => {
    const { manifestPath, manifest } = await modelDir({ 'a.bin': 'a', 'b.bin': 'b' });
    await writeFile(manifestPath, JSON.stringify({ ...manifest, files: manifest.files.slice(1) }));
    const error = await failure(verifyModel({ manifest: manifestPath }));
    expect(error.code).toBe(ManifestErrorCode.AGGREGATE_MISMATCH);
  });

  it('verifies from a (device, inode, size, mtime) cache on restart', async () => {
    const { root, manifestPath } = await modelDir({ 'model.bin': 'weights' });
    const cache = join(await temporaryDir(), 'cache.json');
    const first = await verifyModel({ manifest: manifestPath, cache });
    expect(first.files[0]!.fromCache).toBe(false);
    const second = await verifyModel({ manifest: manifestPath, cache });
    expect(second.files[0]!.fromCache).toBe(true);
    expect(second.bytesHashed).toBe(0);
    await writeFile(join(root, 'model.bin'), 'weighs'); // same size, new mtime: hashed again
    await failure(verifyModel({ manifest: manifestPath, cache }));
  });

  it('reports an unreadable model file as bad input, not as tampering', async () => {
    const { root, manifestPath } = await modelDir({ 'model.bin': 'weights' });
    await unlink(join(root, 'model.bin'));
    await mkdir(join(root, 'model.bin'));
    await expect(verifyModel({ manifest: manifestPath })).rejects.toMatchObject({
      code: ManifestErrorCode.MODEL_UNREADABLE,
    });
  });
});
