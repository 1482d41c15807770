import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelshipError } from '../src/contract/errors.js';
import { openFileLedger } from '../src/ledger/file-ledger.js';
import { LedgerLockedError } from '../src/ledger/lock.js';

const root = mkdtempSync(join(tmpdir(), 'modelship-lock-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

const at = new Date().toISOString();
const input = {
  type: 'version.registered' as const,
  at,
  model: 'm',
  version: 'v1',
  data: { record: { model: 'm', id: 'v1', number: 1, registeredAt: at, metrics: {}, refs: {} } },
};

/** A ledger directory whose lock file names `pid` on this host as the holder. */
function lockedBy(name: string, pid: number): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'ledger.lock'),
    JSON.stringify({
      pid,
      host: hostname(),
      at: new Date().toISOString(),
      command: 'modelship promote m v1',
    }),
  );
  return dir;
}

function exitedPid(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', '']);
    child.on('exit', () => resolve(child.pid!));
  });
}

describe('the file ledger lock', () => {
  it('takes over a lock whose holder is dead on this host at once (no waiting for staleness)', async () => {
    const dir = lockedBy('dead', await exitedPid());
    // With no wait at all, only a take-over can succeed.
    const ledger = openFileLedger(dir, { lockWaitMs: 0, staleLockMs: 3_600_000 });
    const result = await ledger.append([input], { expectedHead: { seq: 0, hash: null } });
    expect(result.ok).toBe(true);
    expect(existsSync(join(dir, 'ledger.lock'))).toBe(false);
  });

  it('waits for a live holder, boundedly, then names the lock file, the holder and what to do', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)']);
    children.push(holder);
    const dir = lockedBy('live', holder.pid!);
    const ledger = openFileLedger(dir, { lockWaitMs: 100 });
    const error = await ledger.append([input], { expectedHead: { seq: 0, hash: null } }).catch((e) => e);
    expect(error).toBeInstanceOf(LedgerLockedError);
    expect(ModelshipError.isInstance(error) && error.isRetryable).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain(join(dir, 'ledger.lock'));
    expect(message).toContain(`pid ${holder.pid} on ${hostname()}`);
    expect(message).toContain('modelship promote m v1');
    expect(message).toContain('wait for that command to finish and retry');
    expect(await ledger.read()).toEqual([]);
    // Once the holder is gone, the next append proceeds.
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    expect((await ledger.append([input], { expectedHead: { seq: 0, hash: null } })).ok).toBe(true);
  });

  it('serialises concurrent appends of one process and releases only its own lock', async () => {
    const dir = join(root, 'concurrent');
    const ledger = openFileLedger(dir);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => ledger.append([input], { expectedHead: { seq: 0, hash: null } })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(existsSync(join(dir, 'ledger.lock'))).toBe(false);
  });
});
