import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashFile, hashFiles, ManifestErrorCode } from '../src/index.js';
import { distIndex, ensureBuilt } from './dist.js';
import { temporaryDir } from './helpers.js';

const expected = (bytes: Buffer): { size: number; md5?: string; sha256?: string } => ({
  size: bytes.length,
  md5: createHash('md5').update(bytes).digest('hex'),
  sha256: createHash('sha256').update(bytes).digest('hex'),
});

describe('hashFile', () => {
  it('computes every requested digest in one pass across 1 MiB buffer boundaries', async () => {
    const dir = await temporaryDir();
    for (const size of [0, 1, (1 << 20) - 1, 1 << 20, (3 << 20) + 17]) {
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i += 1) bytes[i] = (i * 7) & 0xff;
      await writeFile(join(dir, `f${size}`), bytes);
      expect(await hashFile(join(dir, `f${size}`), ['md5', 'sha256'])).toEqual(expected(bytes));
    }
  });

  it('hashes only what is asked and rejects unknown algorithms', async () => {
    const dir = await temporaryDir();
    await writeFile(join(dir, 'a'), 'abc');
    expect(await hashFile(join(dir, 'a'), ['md5'])).toEqual({
      size: 3,
      md5: '900150983cd24fb0d6963f7d28e17f72',
    });
    await expect(hashFile(join(dir, 'a'), ['sha1' as 'md5'])).rejects.toMatchObject({
      code: ManifestErrorCode.UNKNOWN_ALGORITHM,
    });
  });
});

describe('hashFiles on the worker_threads pool (built package, separate process)', () => {
  beforeAll(ensureBuilt, 120_000);

  it('returns the same digests as in-thread hashing, in input order, using several workers for large files', async () => {
    const dir = await temporaryDir();
    const paths: string[] = [];
    for (let i = 0; i < 300; i += 1) {
      await mkdir(join(dir, String(i % 7)), { recursive: true });
      const path = join(dir, String(i % 7), `f${i}.bin`);
      await writeFile(path, Buffer.alloc(i * 97 + (i % 3 === 0 ? 1 << 20 : 0), i & 0xff));
      paths.push(path);
    }
    await writeFile(join(dir, 'paths.json'), JSON.stringify(paths));
    const script = `
      import { hashFiles } from ${JSON.stringify(distIndex)};
      import { readFileSync } from 'node:fs';
      const paths = JSON.parse(readFileSync(${JSON.stringify(join(dir, 'paths.json'))}, 'utf8'));
      let workers = 0;
      const results = await hashFiles(paths, ['md5', 'sha256'], { concurrency: 3, onWorkers: (n) => { workers = n; } });
      process.stdout.write(JSON.stringify({ workers, results }));
    `;
    const output = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
    );
    expect(output.workers).toBe(3);
    const inThread = await hashFiles(paths, ['md5', 'sha256'], { concurrency: 1 });
    expect(output.results).toEqual(inThread);
  });

  it('reports a missing file from a worker as an error with its path', async () => {
    const dir = await temporaryDir();
    const paths = [join(dir, 'present.bin'), join(dir, 'absent.bin')];
    await writeFile(paths[0]!, Buffer.alloc(20 << 20, 1));
    const script = `
      import { hashFiles } from ${JSON.stringify(distIndex)};
      let workers = 0;
      hashFiles(${JSON.stringify(paths)}, ['md5'], { sizes: [20 << 20, 20 << 20], onWorkers: (n) => { workers = n; } })
        .then(() => process.exit(3), (e) => { console.log(workers, e.code, e.path); });
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(output.trim()).toBe(`2 ENOENT ${paths[1]}`);
  });

  it('reports a worker failure cleanly while this thread is still hashing small files', async () => {
    const dir = await temporaryDir();
    const count = 6000; // enough small files to still be hashing when the worker fails
    await Promise.all(Array.from({ length: count }, (_, i) => writeFile(join(dir, `s${i}`), 'x')));
    await writeFile(join(dir, 'big.bin'), Buffer.alloc(40 << 20));
    const script = `
      import { hashFiles } from ${JSON.stringify(distIndex)};
      import { join } from 'node:path';
      const dir = ${JSON.stringify(dir)};
      const small = Array.from({ length: ${count} }, (_, i) => join(dir, 's' + i));
      const paths = [join(dir, 'big.bin'), join(dir, 'gone.bin'), ...small];
      const sizes = [40 << 20, 40 << 20, ...small.map(() => 1)];
      process.on('unhandledRejection', () => { console.log('unhandled'); process.exit(4); });
      hashFiles(paths, ['md5'], { sizes }).then(() => process.exit(3), (e) => console.log(e.code, e.path));
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(output.trim()).toBe(`ENOENT ${join(dir, 'gone.bin')}`);
  });

  it('keeps a few hundred small files in this thread: no pool', async () => {
    const dir = await temporaryDir();
    const paths = Array.from({ length: 400 }, (_, i) => join(dir, `f${i}`));
    for (const [i, path] of paths.entries()) await writeFile(path, `file ${i}`);
    const script = `
      import { hashFiles } from ${JSON.stringify(distIndex)};
      let workers = 0;
      let bytes = 0;
      const results = await hashFiles(${JSON.stringify(paths)}, ['sha256'], {
        onWorkers: (n) => { workers = n; },
        onProgress: (n) => { bytes += n; },
      });
      console.log(JSON.stringify({ workers, bytes, first: results[0] }));
    `;
    const output = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
    );
    expect(output).toEqual({
      workers: 0,
      bytes: paths.reduce((sum, _path, i) => sum + `file ${i}`.length, 0),
      first: { size: 6, sha256: expected(Buffer.from('file 0')).sha256 },
    });
  });

  it('spreads thousands of small files over this thread and the pool, and the process still exits at once', async () => {
    const dir = await temporaryDir();
    const paths = Array.from({ length: 2500 }, (_, i) => join(dir, `f${i}`));
    await Promise.all(paths.map((path, i) => writeFile(path, `small file ${i}`)));
    const script = `
      import { hashFiles } from ${JSON.stringify(distIndex)};
      let workers = 0;
      let bytes = 0;
      const paths = ${JSON.stringify(paths)};
      const first = await hashFiles(paths, ['md5', 'sha256'], {
        concurrency: 3,
        onWorkers: (n) => { workers = n; },
        onProgress: (n) => { bytes += n; },
      });
      const again = await hashFiles(paths, ['md5', 'sha256'], { concurrency: 3 });
      const active = process.getActiveResourcesInfo().filter((kind) => kind !== 'PipeWrap'); // stdio
      console.log(JSON.stringify({ workers, bytes, first, active, same: JSON.stringify(again) === JSON.stringify(first) }));
    `;
    const output = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
    );
    // Idle workers are kept for reuse but must not hold the process open.
    expect(output.active).toEqual([]);
    expect(output.workers).toBe(2);
    expect(output.same).toBe(true);
    expect(output.bytes).toBe(paths.reduce((sum, _path, i) => sum + `small file ${i}`.length, 0));
    expect(output.first).toEqual(paths.map((_path, i) => expected(Buffer.from(`small file ${i}`))));
  });
});
