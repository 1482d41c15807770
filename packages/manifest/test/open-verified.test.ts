import { execFileSync, spawn } from 'node:child_process';
import { rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createManifest,
  ManifestError,
  ManifestErrorCode,
  ModelIntegrityError,
  openVerified,
  writeManifest,
} from '../src/index.js';
import { distIndex, ensureBuilt } from './dist.js';
import { modelDir, temporaryDir } from './helpers.js';

describe('openVerified', () => {
  it('returns open handles on the verified bytes, small and large files alike, and closes them', async () => {
    const large = Buffer.alloc(3 << 20, 7);
    const { manifestPath } = await modelDir({ 'model.json': '{"w":1}', 'weights/big.bin': large });
    const model = await openVerified({ manifest: manifestPath, strict: true });
    expect(model.report.files.map((file) => file.path)).toEqual(['model.json', 'weights/big.bin']);
    expect((await model.readFile('model.json')).toString()).toBe('{"w":1}');
    // Hashing used positional reads: the handle still reads from the start.
    expect((await model.handle('weights/big.bin').readFile()).equals(large)).toBe(true);
    expect(() => model.handle('other.bin')).toThrow(/not a file of this verified model/);
    await model.close();
    await model.close();
    await expect(model.files[0]!.handle.stat()).rejects.toThrow(/closed|EBADF/);
  });

  it('refuses a tampered file like verifyModel, and follows in-root links but not links out of the root', async () => {
    const { root, manifestPath } = await modelDir({ 'model.json': '{"w":1}', 'b.bin': 'bbb' });
    await writeFile(join(root, 'b.bin'), 'ccc');
    const error = await openVerified({ manifest: manifestPath }).catch((e) => e);
    expect(ModelIntegrityError.isInstance(error)).toBe(true);
    expect(error.code).toBe(ManifestErrorCode.DIGEST_MISMATCH);

    const linked = await modelDir({ 'real/model.json': '{"w":2}', 'x.bin': 'x' });
    await symlink(join(linked.root, 'real', 'model.json'), join(linked.root, 'model.json'));
    const { manifest } = await createManifest({ path: linked.root, env: {}, cwd: linked.root });
    await writeManifest(linked.manifestPath, manifest);
    const model = await openVerified({ manifest: linked.manifestPath });
    expect((await model.readFile('model.json')).toString()).toBe('{"w":2}');
    await model.close();

    const outside = await temporaryDir();
    await writeFile(join(outside, 'evil.json'), '{"w":2}');
    await symlink(join(outside, 'evil.json'), join(linked.root, 'real', 'model.json.tmp'));
    await rename(join(linked.root, 'real', 'model.json.tmp'), join(linked.root, 'real', 'model.json'));
    const escaped = await openVerified({ manifest: linked.manifestPath }).catch((e) => e);
    expect(escaped.code).toBe(ManifestErrorCode.SYMLINK_ESCAPE);
  });

  it('hashes the open descriptors on the worker pool too (built package, shards and whole files)', async () => {
    ensureBuilt();
    const big = Buffer.alloc(24 << 20, 1);
    const { root } = await modelDir({ 'a.bin': big, 'b.bin': big });
    const { manifest } = await createManifest({ path: root, env: {}, cwd: root, shardSize: 4 << 20 });
    await writeManifest(join(root, 'modelship.manifest.json'), manifest);
    const script = `import { openVerified } from ${JSON.stringify(distIndex)};
      const model = await openVerified({ manifest: process.argv[1] });
      const bytes = await model.readFile('b.bin');
      await model.close();
      console.log(JSON.stringify({ shards: model.report.files.map((f) => f.shards), length: bytes.length }));`;
    const run = () =>
      execFileSync(
        process.execPath,
        ['--input-type=module', '-e', script, join(root, 'modelship.manifest.json')],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
    expect(JSON.parse(run())).toEqual({ shards: [6, 6], length: 24 << 20 });
    const handle = await (await import('node:fs/promises')).open(join(root, 'b.bin'), 'r+');
    await handle.write(Buffer.from([9]), 0, 1, 5 << 20);
    await handle.close();
    expect(() => run()).toThrow(/b\.bin bytes \[4194304, 8388608\)/);
  }, 120_000);

  it('loads 0 swapped files in 500 or more tries while another process swaps the file by rename and by symlink', async () => {
    const good = Buffer.from(JSON.stringify({ kind: 'good', pad: 'x'.repeat(4000) }));
    const evil = Buffer.from(JSON.stringify({ kind: 'evil', pad: 'x'.repeat(4000) }));
    const { root, manifestPath } = await modelDir({ 'model.json': good });
    // Masters and the staging name live outside the root, on the same file system (renames are atomic).
    const outside = await temporaryDir();
    await writeFile(join(outside, 'good'), good);
    await writeFile(join(outside, 'evil'), evil);
    const swapper = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('node:fs');
        const [target, good, evil, staging] = process.argv.slice(1);
        for (let i = 0; ; i++) {
          try {
            fs.rmSync(staging, { force: true });
            if (i % 3 === 0) fs.linkSync(good, staging);
            else if (i % 3 === 1) fs.linkSync(evil, staging);
            else fs.symlinkSync(evil, staging);
            fs.renameSync(staging, target);
            if (i === 3) process.stdout.write('swapping\\n');
          } catch {}
        }`,
        join(root, 'model.json'),
        join(outside, 'good'),
        join(outside, 'evil'),
        join(outside, 'staging'),
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    // Start loading only once the swapper is really swapping (a loaded machine starts it slowly).
    await new Promise((resolve) => swapper.stdout.once('data', resolve));
    const counts = { loaded: 0, refused: 0, swapped: 0 };
    try {
      // 500 loads; more (at most 5,000 in all) if the swapper was never caught in the act.
      for (let i = 0; i < 500 || (counts.refused === 0 && i < 5000); i++) {
        let model: Awaited<ReturnType<typeof openVerified>>;
        try {
          model = await openVerified({ manifest: manifestPath, root });
        } catch (error) {
          if (!ManifestError.isInstance(error)) throw error;
          counts.refused += 1;
          continue;
        }
        const bytes = await model.readFile('model.json');
        await model.close();
        if (bytes.equals(good)) counts.loaded += 1;
        else counts.swapped += 1;
      }
    } finally {
      swapper.kill();
    }
    expect(counts.swapped).toBe(0);
    // Both outcomes happened, so the swapper really raced the loads.
    expect(counts.loaded).toBeGreaterThan(0);
    expect(counts.refused).toBeGreaterThan(0);
  });
});
