import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** Where provider-local keeps everything, under one root (default `./.modelship`). */
export interface StoreLayout {
  root: string;
  artifacts: string;
  runs: string;
  aliases: string;
  deployments: string;
  /** One record per inference server ever started, written before it is spawned. */
  servers: string;
  keys: string;
}

export function storeLayout(root: string): StoreLayout {
  const base = resolve(root);
  return {
    root: base,
    artifacts: join(base, 'artifacts'),
    runs: join(base, 'runs'),
    aliases: join(base, 'aliases'),
    deployments: join(base, 'deployments'),
    servers: join(base, 'servers'),
    keys: join(base, 'keys'),
  };
}

/** A file-name-safe token for a model, stage or key: readable prefix plus a short hash so distinct names never collide. */
export function safeName(name: string): string {
  const readable = name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);
  return `${readable}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}

export function randomId(): string {
  return randomBytes(6).toString('hex');
}

export async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Temporary file then rename: a crash never leaves half a file. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomId()}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

const lockRetryMs = 15;
const staleLockMs = 30_000;

/** A cross-process mutex: `mkdir` is atomic, so one process at a time holds `<path>.lock`. */
export async function withLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  await mkdir(dirname(lock), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A holder that crashed leaves its lock behind; after a generous wait it is taken over.
      if (Date.now() - started > staleLockMs) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      await new Promise((done) => setTimeout(done, lockRetryMs));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Results of calls made with an idempotency key, so a retry returns the first result. */
export async function rememberedResult<T>(
  layout: StoreLayout,
  operation: string,
  key: string | undefined,
  compute: () => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  if (key === undefined) return { result: await compute(), replayed: false };
  const path = join(layout.keys, `${operation}-${safeName(key)}.json`);
  return withLock(path, async () => {
    const known = await readJson<{ result: T }>(path);
    if (known) return { result: known.result, replayed: true };
    const result = await compute();
    await writeJsonAtomic(path, { key, operation, result });
    return { result, replayed: false };
  });
}
