// The emulator's data API state: a tree of collections (directories) and files, in memory,
// kept for the life of one emulator (one test). Paths are `user/collection/...`, no `data://`.
import { createHash } from 'node:crypto';

export interface StoredFile {
  kind: 'file';
  bytes: Buffer;
  md5: string;
  lastModified: Date;
}

export interface StoredDirectory {
  kind: 'directory';
  acl: unknown;
}

export type StoredEntry = StoredFile | StoredDirectory;

/** "`algo://.my/*`: Readable by your algorithms (default)" — the Data API reference. */
export const DEFAULT_ACL = { read: ['algo://.my/*'] };

export class DataStoreError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function normalizeDataPath(path: string): string {
  return path
    .replace(/^data:\/\//, '')
    .split('/')
    .filter((part) => part !== '')
    .join('/');
}

function parentOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut < 0 ? '' : path.slice(0, cut);
}

export class DataStore {
  private readonly entries = new Map<string, StoredEntry>();

  /** A user's root (`data://user`) always exists, as on the platform. */
  ensureUser(user: string): void {
    if (!this.entries.has(user)) this.entries.set(user, { kind: 'directory', acl: null });
  }

  get(path: string): StoredEntry | undefined {
    return this.entries.get(normalizeDataPath(path));
  }

  createDirectory(parent: string, name: string, acl: unknown): string {
    const parentPath = normalizeDataPath(parent);
    if (!name || name.includes('/')) throw new DataStoreError(400, `invalid directory name "${name}"`);
    if (this.entries.get(parentPath)?.kind !== 'directory') {
      throw new DataStoreError(404, `parent directory data://${parentPath} does not exist`);
    }
    // "Algorithmia hosted directories are currently only supported as top-level directories under
    // your user" (Data API reference, "Create a directory").
    if (parentPath.includes('/')) {
      throw new DataStoreError(
        400,
        `cannot create data://${parentPath}/${name}: hosted directories are only supported as top-level directories under your user (data://.my/<name>)`,
      );
    }
    const path = `${parentPath}/${name}`;
    if (this.entries.has(path)) throw new DataStoreError(409, `data://${path} already exists`);
    this.entries.set(path, { kind: 'directory', acl: acl ?? DEFAULT_ACL });
    return path;
  }

  putFile(rawPath: string, bytes: Buffer, now: Date): StoredFile {
    const path = normalizeDataPath(rawPath);
    const parent = parentOf(path);
    if (this.entries.get(parent)?.kind !== 'directory') {
      throw new DataStoreError(404, `directory data://${parent} does not exist; create it first`);
    }
    if (this.entries.get(path)?.kind === 'directory') {
      throw new DataStoreError(409, `data://${path} is a directory`);
    }
    const file: StoredFile = {
      kind: 'file',
      bytes,
      md5: createHash('md5').update(bytes).digest('hex'),
      lastModified: now,
    };
    this.entries.set(path, file);
    return file;
  }

  list(rawPath: string): { folders: string[]; files: Array<{ name: string; file: StoredFile }> } {
    const path = normalizeDataPath(rawPath);
    const folders: string[] = [];
    const files: Array<{ name: string; file: StoredFile }> = [];
    for (const [key, entry] of this.entries) {
      if (parentOf(key) !== path || key === path) continue;
      const name = key.slice(path.length + 1);
      if (entry.kind === 'directory') folders.push(name);
      else files.push({ name, file: entry });
    }
    folders.sort();
    files.sort((a, b) => a.name.localeCompare(b.name));
    return { folders, files };
  }

  /** Deletes a file, or a directory (non-empty only with `force`); returns how many files went. */
  delete(rawPath: string, force: boolean): number {
    const path = normalizeDataPath(rawPath);
    const entry = this.entries.get(path);
    if (!entry) throw new DataStoreError(404, `data://${path} does not exist`);
    if (entry.kind === 'file') {
      this.entries.delete(path);
      return 1;
    }
    const inside = [...this.entries.keys()].filter((key) => key.startsWith(`${path}/`));
    if (inside.length > 0 && !force) {
      throw new DataStoreError(400, `directory data://${path} is not empty; delete with force=true`);
    }
    let deleted = 0;
    for (const key of inside) {
      if (this.entries.get(key)?.kind === 'file') deleted++;
      this.entries.delete(key);
    }
    this.entries.delete(path);
    return deleted;
  }
}
