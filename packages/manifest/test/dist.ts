import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir } from './helpers.js';

export const binPath = join(packageDir, 'bin', 'modelship-manifest.js');
export const distIndex = join(packageDir, 'dist', 'index.js');

/** Spawned processes run the built package; build it once if a test run starts without dist/. */
export function ensureBuilt(): void {
  if (
    existsSync(join(packageDir, 'dist', 'cli.js')) &&
    existsSync(join(packageDir, 'dist', 'hash-worker.js'))
  )
    return;
  execFileSync('npx', ['tsup'], { cwd: packageDir, stdio: 'ignore' });
}

export function runBin(args: string[], cwd = packageDir) {
  const result = spawnSync(process.execPath, [binPath, ...args], { cwd, encoding: 'utf8' });
  return { exitCode: result.status, stdout: result.stdout, stderr: result.stderr };
}
