import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { createManifest, writeManifest } from '../src/index.js';

export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = join(packageDir, '..', '..');
export const specDir = join(repoDir, 'spec', 'manifest');
export const algorithmiaFixtures = join(specDir, 'fixtures', 'algorithmia');

const created: string[] = [];
afterEach(async () => {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh directory removed after the current test. */
export async function temporaryDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'modelship-manifest-'));
  created.push(dir);
  return dir;
}

/** A temporary model directory holding `files` and the modelship manifest made from them. */
export async function modelDir(
  files: Record<string, string | Buffer> = { 'model.bin': 'weights', 'cfg/a.json': '{}' },
) {
  const root = await temporaryDir();
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  const { manifest } = await createManifest({ path: root, env: {}, cwd: root });
  const manifestPath = join(root, 'modelship.manifest.json');
  await writeManifest(manifestPath, manifest);
  return { root, manifestPath, manifest };
}
