import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createManifest, ManifestErrorCode } from '../src/index.js';
import { temporaryDir } from './helpers.js';

describe('createManifest guards', () => {
  it('refuses a directory with a symlink leaving it', async () => {
    const root = await temporaryDir();
    const outside = await temporaryDir();
    await writeFile(join(outside, 'secret.bin'), 'x');
    await writeFile(join(root, 'model.bin'), 'weights');
    await symlink(join(outside, 'secret.bin'), join(root, 'link.bin'));
    await expect(createManifest({ path: root, env: {}, cwd: root })).rejects.toMatchObject({
      code: ManifestErrorCode.SYMLINK_ESCAPE,
    });
  });

  it('rejects unknown algorithms and missing inputs with their codes', async () => {
    const root = await temporaryDir();
    await writeFile(join(root, 'model.bin'), 'weights');
    await expect(createManifest({ path: root, algorithms: ['sha1'], env: {} })).rejects.toMatchObject({
      code: ManifestErrorCode.UNKNOWN_ALGORITHM,
    });
    await expect(createManifest({ path: join(root, 'absent'), env: {} })).rejects.toMatchObject({
      code: ManifestErrorCode.MODEL_UNREADABLE,
    });
  });
});
