// Every inference server this store starts is recorded in `servers/` *before* it is
// spawned (the pid is filled in synchronously right after spawn), so a deploy killed at any point
// leaves a record `undeploy --all` can find, never an orphan nobody knows about.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, stopServer } from './process.js';

export interface ServerEntry {
  id: string;
  model: string;
  stage: string;
  version: string;
  startedAt: string;
  pid?: number;
}

/** Records a server about to be started; returns the function that fills in its pid. */
export function recordServer(dir: string, entry: ServerEntry): (pid: number | undefined) => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${entry.id}.json`);
  // Written aside and renamed over, so `undeploy --all` running meanwhile reads a whole record, never
  // the empty file a rewrite in place shows for a moment (it would drop that record as unreadable).
  const write = (record: ServerEntry) => {
    writeFileSync(`${path}.tmp`, JSON.stringify(record));
    renameSync(`${path}.tmp`, path);
  };
  write(entry);
  // Synchronous on purpose: nothing may run between spawn() returning and the pid being on disk.
  return (pid) => write({ ...entry, pid });
}

export function forgetServer(dir: string, id: string): void {
  rmSync(join(dir, `${id}.json`), { force: true });
}

/** Stops every recorded server still alive and forgets every record; returns how many were stopped. */
export async function stopRecordedServers(dir: string): Promise<number> {
  let names: string[] = [];
  try {
    // A `.json.tmp` is a record whose rename a crash cut short: it may hold the only copy of a pid.
    names = readdirSync(dir).filter((name) => name.endsWith('.json') || name.endsWith('.json.tmp'));
  } catch {
    return 0;
  }
  let stopped = 0;
  for (const name of names) {
    let entry: ServerEntry | undefined;
    try {
      entry = JSON.parse(readFileSync(join(dir, name), 'utf8')) as ServerEntry;
    } catch {
      entry = undefined;
    }
    if (entry?.pid && isAlive(entry.pid)) {
      await stopServer(entry.pid);
      stopped += 1;
    }
    rmSync(join(dir, name), { force: true });
  }
  return stopped;
}
