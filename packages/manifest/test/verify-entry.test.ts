import { execFileSync } from 'node:child_process';
import { cp, mkdir, writeFile } from 'node:fs/promises';
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
});
