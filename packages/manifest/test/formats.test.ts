import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  algorithmiaManifestSchema,
  createManifest,
  ManifestErrorCode,
  ManifestFormatError,
  modelshipManifestSchema,
  readManifest,
  writeManifest,
} from '../src/index.js';
import { algorithmiaFixtures, temporaryDir } from './helpers.js';

describe('Algorithmia model_manifest.json', () => {
  it.each([
    ['demo-algorithmiaalgo-model_manifest.json', '5b5056b8ec461a6bab3fe44f0d32feb0'],
    ['demo-githubalgo-model_manifest.json', '58dbe617971e831c922e201ea9f38783'],
    ['tampered-model_manifest.json', '70367caa502a62e043b80cb33f017446'],
  ])('reads the real manifest %s (one-line or pretty, any key order)', async (file, md5) => {
    const loaded = await readManifest(join(algorithmiaFixtures, file));
    expect(loaded.format).toBe('algorithmia');
    expect(loaded.format === 'algorithmia' && loaded.manifest.model_md5_hash).toBe(md5);
    expect(algorithmiaManifestSchema.safeParse(loaded.manifest).success).toBe(true);
  });

  it('rejects the unfilled template, naming the field', async () => {
    const error = await readManifest(join(algorithmiaFixtures, 'template-model_manifest.json')).catch(
      (e) => e,
    );
    expect(ManifestFormatError.isInstance(error)).toBe(true);
    expect(error.code).toBe(ManifestErrorCode.INVALID_FIELD);
    expect(error.jsonPath).toBe('model_md5_hash');
    expect(error.message).toContain('MD5 HASH OF MODEL FILE');
  });

  it('keeps keys it does not own when rewriting, one line like the action wrote', async () => {
    const dir = await temporaryDir();
    const path = join(dir, 'model_manifest.json');
    const original = JSON.parse(
      await readFile(join(algorithmiaFixtures, 'tampered-model_manifest.json'), 'utf8'),
    );
    await writeFile(path, JSON.stringify({ ...original, team_note: { owner: 'ml' } }));
    const loaded = await readManifest(path);
    await writeManifest(path, loaded.manifest);
    const text = await readFile(path, 'utf8');
    expect(text.split('\n')).toHaveLength(1);
    expect(text).toContain('"model_md5_hash": "70367caa502a62e043b80cb33f017446"');
    expect(JSON.parse(text)).toEqual({ ...original, team_note: { owner: 'ml' } });
  });
});

describe('modelship v1 manifest', () => {
  it('round-trips through write and read, tolerating unknown fields', async () => {
    const dir = await temporaryDir();
    await writeFile(join(dir, 'weights.bin'), 'abc');
    const { manifest } = await createManifest({
      path: join(dir, 'weights.bin'),
      provenance: 'auto',
      cwd: dir,
      env: {},
    });
    expect(modelshipManifestSchema.safeParse(manifest).success).toBe(true);
    const path = join(dir, 'modelship.manifest.json');
    await writeManifest(path, { ...manifest, futureField: [1, 2] } as typeof manifest);
    const loaded = await readManifest(path);
    expect(loaded.format).toBe('modelship');
    expect(loaded.manifest).toMatchObject({ futureField: [1, 2], name: 'weights' });
    expect(manifest.files[0]).toEqual({
      path: 'weights.bin',
      size: 3,
      md5: '900150983cd24fb0d6963f7d28e17f72',
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    });
  });

  it('writes atomically: no temporary file is left behind', async () => {
    const dir = await temporaryDir();
    await writeFile(join(dir, 'm.bin'), 'x');
    const { manifest } = await createManifest({ path: join(dir, 'm.bin'), env: {}, cwd: dir });
    await writeManifest(join(dir, 'modelship.manifest.json'), manifest);
    expect((await readdir(dir)).sort()).toEqual(['m.bin', 'modelship.manifest.json']);
  });

  it.each([
    ['{"schema": ', ManifestErrorCode.MALFORMED_JSON, ''],
    ['{"hello": 1}', ManifestErrorCode.UNKNOWN_FORMAT, ''],
    ['[]', ManifestErrorCode.UNKNOWN_FORMAT, ''],
  ])('reports %s as %s', async (text, code, jsonPath) => {
    const dir = await temporaryDir();
    await writeFile(join(dir, 'm.json'), text);
    const error = await readManifest(join(dir, 'm.json')).catch((e) => e);
    expect(error).toBeInstanceOf(ManifestFormatError);
    expect(error).toMatchObject({ code, jsonPath });
  });

  it('names the JSON path of a wrong type, e.g. files[1].sha256', async () => {
    const dir = await temporaryDir();
    await writeFile(join(dir, 'a.bin'), 'a');
    await writeFile(join(dir, 'b.bin'), 'b');
    const { manifest } = await createManifest({ path: dir, env: {}, cwd: dir });
    const broken = structuredClone(manifest) as unknown as { files: Record<string, unknown>[] };
    broken.files[1]!.sha256 = 42;
    await writeFile(join(dir, 'modelship.manifest.json'), JSON.stringify(broken));
    const error = await readManifest(join(dir, 'modelship.manifest.json')).catch((e) => e);
    expect(error).toMatchObject({ code: ManifestErrorCode.INVALID_FIELD, jsonPath: 'files[1].sha256' });
    expect(error.message).toContain('files[1].sha256 must be a string');
  });

  it('rejects unsafe paths by their JSON path, before touching the disk', async () => {
    const dir = await temporaryDir();
    await writeFile(join(dir, 'a.bin'), 'a');
    const { manifest } = await createManifest({ path: dir, env: {}, cwd: dir });
    for (const path of ['../../etc/passwd', '/etc/passwd', 'a/../../b', 'C:\\x']) {
      manifest.files[0]!.path = path;
      await writeFile(join(dir, 'bad.json'), JSON.stringify(manifest));
      const error = await readManifest(join(dir, 'bad.json')).catch((e) => e);
      expect(error).toMatchObject({ code: ManifestErrorCode.UNSAFE_PATH, jsonPath: 'files[0].path' });
    }
  });
});
