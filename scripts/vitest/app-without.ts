// A temporary app whose node_modules is the workspace's minus some packages: how an install that
// left out an optional peer (a provider, the AWS SDK) looks. Each entry is a symlink, so nothing is
// copied; run node with --preserve-symlinks (and tsc with preserveSymlinks) so resolution stays
// inside the app instead of following the links back to the workspace's full node_modules.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const workspaceRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** `left` lists package names (`@modelship/provider-sagemaker`) or whole scopes (`@aws-sdk`). */
export function makeAppWithout(left: readonly string[]): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'modelship-app-'));
  const from = join(workspaceRoot, 'node_modules');
  const to = join(dir, 'node_modules');
  mkdirSync(to);
  for (const entry of readdirSync(from)) {
    if (entry.startsWith('.') || left.includes(entry)) continue;
    if (!entry.startsWith('@')) {
      symlinkSync(join(from, entry), join(to, entry), 'dir');
      continue;
    }
    mkdirSync(join(to, entry));
    for (const name of readdirSync(join(from, entry)))
      if (!left.includes(`${entry}/${name}`))
        symlinkSync(join(from, entry, name), join(to, entry, name), 'dir');
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
