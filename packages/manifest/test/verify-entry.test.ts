import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './dist.js';
import { algorithmiaFixtures, packageDir, temporaryDir } from './helpers.js';

beforeAll(ensureBuilt, 120_000);

describe('@modelship/manifest/verify in inference code', () => {
  it('works where zod is not installed (node built-ins only), unlike the main entry', async () => {
    const app = await temporaryDir();
    const installed = join(app, 'node_modules', '@modelship', 'manifest');
    await mkdir(installed, { recursive: true });
    await cp(join(packageDir, 'dist'), join(installed, 'dist'), { recursive: true });
    await cp(join(packageDir, 'package.json'), join(installed, 'package.json'));
    await writeFile(
      join(app, 'serve.mjs'),
      `import { assertModel, ModelIntegrityError } from '@modelship/manifest/verify';
      try {
        await assertModel({
          manifest: ${JSON.stringify(join(algorithmiaFixtures, 'tampered-model_manifest.json'))},
          model: ${JSON.stringify(join(algorithmiaFixtures, 'tampered-model.pkl'))},
        });
      } catch (error) {
        console.log(ModelIntegrityError.isInstance(error) ? error.code : 'unexpected ' + error);
      }
      const main = await import('@modelship/manifest').then(() => 'loaded', (error) => error.code);
      console.log(main);`,
    );
    const output = execFileSync(process.execPath, [join(app, 'serve.mjs')], { cwd: app, encoding: 'utf8' });
    expect(output.trim().split('\n')).toEqual(['MODEL_DIGEST_MISMATCH', 'ERR_MODULE_NOT_FOUND']);
  });

  it('installs from the packed tarball in at most 1 MB, without zod, and verifies and creates from the bin', async () => {
    const app = await temporaryDir();
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', app], {
        cwd: packageDir,
        encoding: 'utf8',
      }),
    )[0];
    await writeFile(
      join(app, 'package.json'),
      '{ "name": "inference-app", "private": true, "type": "module" }',
    );
    // No dependency to fetch: the install works offline, which is what an inference image build sees.
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(app, packed.filename)], {
      cwd: app,
      stdio: 'ignore',
    });
    expect(existsSync(join(app, 'node_modules', 'zod'))).toBe(false);
    expect(await bytesUnder(join(app, 'node_modules'))).toBeLessThanOrEqual(1_000_000);

    const model = join(app, 'model');
    await mkdir(model);
    await writeFile(join(model, 'weights.bin'), 'pretend weights');
    const bin = join(app, 'node_modules', '.bin', 'modelship-manifest');
    const create = spawnSync(bin, ['create', model], { cwd: app, encoding: 'utf8' });
    expect(create.stderr).not.toContain('zod');
    expect(create.status).toBe(0);
    const verify = spawnSync(bin, ['verify', join(model, 'modelship.manifest.json')], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(verify.status).toBe(0);
    await writeFile(join(model, 'weights.bin'), 'other weights');
    expect(spawnSync(bin, ['verify', join(model, 'modelship.manifest.json')], { cwd: app }).status).toBe(1);
  });
});

async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}
