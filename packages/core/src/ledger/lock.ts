// The file ledger's append lock: `ledger.lock` created exclusively, holding who took it. A holder
// that is provably dead (its pid is gone on this host) loses the lock at once; a live holder is
// waited for, boundedly, and then named in the error. The lock only serialises appends: the
// hard-link in createBatch is what guarantees a batch is written at most once, so a rare double
// take-over costs a retry, never a forked ledger.

import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { ErrorCode, ModelshipError } from '../contract/errors.js';

export interface LockHolder {
  pid: number;
  host: string;
  /** When the lock was taken (ISO time). */
  at: string;
  /** The command line of the holder, to tell the user what is running. */
  command?: string;
  /** Tells two acquisitions by one process apart. */
  nonce?: string;
}

export interface FileLockOptions {
  /** How long to wait for a live holder before giving up (default 30 000 ms). */
  waitMs?: number;
  /** A lock from another host (its pid cannot be checked) older than this is abandoned (default 5000 ms). */
  staleMs?: number;
}

export class LedgerLockedError extends ModelshipError {
  constructor(message: string, details: Record<string, unknown>) {
    super(ErrorCode.Timeout, message, { isRetryable: true, details });
    this.name = 'LedgerLockedError';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** False only when the pid provably does not exist (ESRCH); EPERM means it exists under another user. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function readHolder(path: string): Promise<LockHolder | null | 'gone'> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as Partial<LockHolder>;
    return typeof value.pid === 'number' && typeof value.host === 'string' ? (value as LockHolder) : null;
  } catch (error) {
    // ENOENT: released meanwhile. Anything else (a half-written or foreign file) is an unknown holder.
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : null;
  }
}

async function isAbandoned(path: string, holder: LockHolder | null, staleMs: number): Promise<boolean> {
  if (holder && holder.host === hostname()) return !isProcessAlive(holder.pid);
  const info = await stat(path).catch(() => null);
  return info !== null && Date.now() - info.mtimeMs > staleMs;
}

async function tryCreate(path: string, holder: LockHolder): Promise<boolean> {
  // Written to a temporary file and linked into place, so a reader never sees an empty lock.
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(JSON.stringify(holder));
  } finally {
    await handle.close();
  }
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Moves an abandoned lock aside; only the taker whose rename succeeded removes it. */
async function takeOver(path: string): Promise<void> {
  const aside = `${path}.abandoned.${process.pid}.${randomBytes(4).toString('hex')}`;
  if (
    await rename(path, aside).then(
      () => true,
      () => false,
    )
  )
    await unlink(aside).catch(() => undefined);
}

function describeHolder(holder: LockHolder | null): string {
  if (!holder) return 'an unknown process (the lock file is not readable)';
  return `pid ${holder.pid} on ${holder.host} since ${holder.at}${holder.command ? ` (${holder.command})` : ''}`;
}

/** Runs `fn` holding the lock at `path`. */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const waitMs = options.waitMs ?? 30_000;
  const staleMs = options.staleMs ?? 5_000;
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    at: new Date().toISOString(),
    command: process.argv.slice(1, 4).join(' ').slice(0, 120),
    nonce: randomBytes(6).toString('hex'),
  };
  const deadline = Date.now() + waitMs;
  let delay = 5;
  for (;;) {
    if (await tryCreate(path, me)) break;
    const holder = await readHolder(path);
    if (holder === 'gone') continue;
    if (await isAbandoned(path, holder, staleMs)) {
      await takeOver(path);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new LedgerLockedError(
        `the ledger lock ${path} is held by ${describeHolder(holder)} and was not released within ${Math.round(waitMs / 1000)} s; ` +
          'wait for that command to finish and retry, or, if it is hung, stop it (a dead holder’s lock is taken over at once)',
        { lockFile: path, holder },
      );
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 200);
  }
  try {
    return await fn();
  } finally {
    // Only our own lock is removed: after a take-over by someone else, the file is theirs.
    const holder = await readHolder(path);
    if (holder !== 'gone' && holder?.nonce === me.nonce) await unlink(path).catch(() => undefined);
  }
}
