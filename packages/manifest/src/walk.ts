import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ManifestErrorCode, ManifestInputError } from './errors.js';
import { compareUtf8 } from './paths.js';

export interface WalkedFile {
  /** POSIX path relative to the root. */
  path: string;
  absolutePath: string;
  size: number;
}

export function isInside(realRoot: string, realTarget: string): boolean {
  const rel = relative(realRoot, realTarget);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

export function symlinkEscape(path: string, target: string, root: string): ManifestInputError {
  return new ManifestInputError(
    ManifestErrorCode.SYMLINK_ESCAPE,
    `${path} is a symlink to ${target}, outside the model root ${root}; copy the file into the root ` +
      'instead of linking to it',
    { path },
  );
}

/**
 * Every regular file under `root`, sorted by UTF-8 path. Symlinks to files inside the root are
 * followed; a symlink leaving the root is an error; symlinked directories are not entered.
 */
export async function walkFiles(
  root: string,
  skip: (path: string) => boolean = () => false,
): Promise<WalkedFile[]> {
  const realRoot = await realpath(root);
  const files: WalkedFile[] = [];
  const visit = async (directory: string, prefix: string): Promise<void> => {
    const entries = await readdir(directory, { withFileTypes: true });
    for (const entry of entries) {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      const absolutePath = join(directory, entry.name);
      if (skip(path)) continue;
      if (entry.isDirectory()) {
        await visit(absolutePath, path);
      } else if (entry.isFile()) {
        files.push({ path, absolutePath, size: (await lstat(absolutePath)).size });
      } else if (entry.isSymbolicLink()) {
        const target = await realpath(absolutePath).catch(() => null);
        if (target === null) continue; // dangling link: nothing to hash
        if (!isInside(realRoot, target)) throw symlinkEscape(absolutePath, target, root);
        const info = await stat(target);
        if (info.isFile()) files.push({ path, absolutePath, size: info.size });
      }
    }
  };
  await visit(root, '');
  return files.sort((a, b) => compareUtf8(a.path, b.path));
}
