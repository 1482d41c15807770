import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

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
