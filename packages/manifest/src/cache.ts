import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FileDigests } from './hash.js';
import { temporarySuffix } from './lazy-crypto.js';

// Restart cache: digests keyed by (device, inode, size, mtime in ns). A file rewritten in place
// changes mtime, so a hit means "same bytes" unless someone forged the mtime — which is why the
// cache is opt-in and meant for the restart of a trusted container, not for an untrusted disk.

const cacheSchema = 'modelship.verify-cache/v1';
const maxEntries = 10_000;

export interface StatKey {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
}

export function cacheKey(stat: StatKey): string {
  return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}`;
}

export class DigestCache {
  private dirty = false;

  private constructor(
    readonly path: string,
    private readonly entries: Map<string, FileDigests>,
  ) {}

  static async open(path: string): Promise<DigestCache> {
    try {
      const data = JSON.parse(await readFile(path, 'utf8'));
      if (data?.schema === cacheSchema && typeof data.entries === 'object' && data.entries !== null) {
        return new DigestCache(path, new Map(Object.entries(data.entries as Record<string, FileDigests>)));
      }
    } catch {
      // absent or unreadable: start empty, a cache must never fail a verification
    }
    return new DigestCache(path, new Map());
  }

  get(key: string): FileDigests | undefined {
    return this.entries.get(key);
  }

  set(key: string, digests: FileDigests): void {
    this.entries.delete(key);
    this.entries.set(key, digests);
    while (this.entries.size > maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.dirty = true;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    try {
      await mkdir(dirname(this.path), { recursive: true });
      const temporary = join(dirname(this.path), `.verify-cache.${temporarySuffix()}.tmp`);
      await writeFile(
        temporary,
        JSON.stringify({ schema: cacheSchema, entries: Object.fromEntries(this.entries) }),
      );
      await rename(temporary, this.path);
      this.dirty = false;
    } catch {
      // read-only image or full disk: verification already succeeded, the cache is an optimisation
    }
  }
}
