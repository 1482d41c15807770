import { spawnSync } from 'node:child_process';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { venvBin } from '../../../scripts/peers.mjs';
import {
  createManifest,
  ManifestErrorCode,
  ModelIntegrityError,
  modelshipManifestSchema,
  openVerified,
  parseManifestValue,
  verifyModel,
  writeManifest,
} from '../src/index.js';
import { repoDir, temporaryDir } from './helpers.js';

const MiB = 1 << 20;

async function shardedModel() {
  const root = await temporaryDir();
  const weights = Buffer.alloc(5 * MiB + 123);
  for (let i = 0; i < weights.length; i += 4096) weights[i] = i % 251;
  await writeFile(join(root, 'weights.bin'), weights);
  await writeFile(join(root, 'config.json'), '{}');
  const { manifest } = await createManifest({ path: root, env: {}, cwd: root, shardSize: MiB });
  const manifestPath = join(root, 'modelship.manifest.json');
  await writeManifest(manifestPath, manifest);
  return { root, manifest, manifestPath };
}

describe('sharded digests in modelship manifests', () => {
  it('shard only files larger than the shard size, keep the whole-file digests, and verify shard by shard', async () => {
    const { manifest, manifestPath } = await shardedModel();
    const weights = manifest.files.find((file) => file.path === 'weights.bin')!;
    expect(weights.shards?.size).toBe(MiB);
    expect(weights.shards?.sha256).toHaveLength(6);
    expect(weights.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.files.find((file) => file.path === 'config.json')!.shards).toBeUndefined();
    expect(modelshipManifestSchema.safeParse(manifest).success).toBe(true);

    const report = await verifyModel({ manifest: manifestPath, strict: true });
    const verified = report.files.find((file) => file.path === 'weights.bin')!;
    expect(verified).toMatchObject({ shards: 6, algorithms: ['sha256'], size: 5 * MiB + 123 });
    expect(verified.sha256).toBeUndefined();
    const all = await verifyModel({ manifest: manifestPath, algorithm: 'all' });
    expect(all.files.find((file) => file.path === 'weights.bin')!.md5).toBe(weights.md5);
  });

  it('name the byte range of a changed shard, through verifyModel and openVerified', async () => {
    const { root, manifestPath } = await shardedModel();
    const handle = await open(join(root, 'weights.bin'), 'r+');
    await handle.write(Buffer.from([0xff]), 0, 1, 2 * MiB + 7);
    await handle.close();
    for (const check of [verifyModel, openVerified]) {
      const error = await check({ manifest: manifestPath }).catch((e) => e);
      expect(ModelIntegrityError.isInstance(error)).toBe(true);
      expect(error.issues).toEqual([
        expect.objectContaining({
          code: ManifestErrorCode.DIGEST_MISMATCH,
          path: 'weights.bin',
          shard: { start: 2 * MiB, end: 3 * MiB },
        }),
      ]);
      expect(error.message).toContain('weights.bin bytes [2097152, 3145728): sha256 expected');
    }
  });

  it('are checked by both validators: one digest per shard', async () => {
    const { manifest } = await shardedModel();
    const broken = structuredClone(manifest);
    broken.files.find((file) => file.path === 'weights.bin')!.shards!.sha256.pop();
    expect(modelshipManifestSchema.safeParse(broken).success).toBe(false);
    expect(() => parseManifestValue(broken)).toThrow(/files\[1\]\.shards\.sha256 must hold 6 digests/);
  });

  it('are verified shard by shard by the Python reader too, which names the same byte range', async () => {
    const { root, manifestPath } = await shardedModel();
    const run = () =>
      spawnSync(venvBin('python'), ['-m', 'modelship_manifest', 'verify', manifestPath, '--json'], {
        cwd: join(repoDir, 'python'),
        encoding: 'utf8',
      });
    const verified = run();
    expect(verified.status).toBe(0);
    const ts = await verifyModel({ manifest: manifestPath });
    const py = JSON.parse(verified.stdout);
    expect(py.files).toEqual(ts.files);
    const handle = await open(join(root, 'weights.bin'), 'r+');
    await handle.write(Buffer.from([0xff]), 0, 1, 2 * MiB + 7);
    await handle.close();
    const failed = run();
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('weights.bin bytes [2097152, 3145728): sha256 expected');
    expect(JSON.parse(failed.stdout).issues).toEqual([
      expect.objectContaining({ path: 'weights.bin', shard: { start: 2 * MiB, end: 3 * MiB } }),
    ]);
  });
});
