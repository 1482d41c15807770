import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { delay, pollUntil } from '@modelship/core/provider-kit';
import { serverExited, serverRefused } from './errors.js';
import type { InferenceHealth } from './server.js';

export interface ServerStart {
  artifactDir: string;
  model: string;
  version: string;
  stage: string;
  host?: string;
  port?: number;
  readyFile: string;
  logFile: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface StartedServer {
  pid: number;
  port: number;
  url: string;
  health: InferenceHealth;
}

type ReadyReport =
  | ({ ok: true } & StartedServer)
  | { ok: false; code: string; message: string; issues?: unknown };

/** Built code runs `server-main.js`; tests running the TypeScript sources run `server-main.ts` through tsx. */
function serverCommand(): string[] {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const tsx = join(dirname(createRequire(here).resolve('tsx/package.json')), 'dist', 'loader.mjs');
    return [
      '--conditions=modelship-source',
      '--import',
      pathToFileURL(tsx).href,
      fileURLToPath(new URL('./server-main.ts', here)),
    ];
  }
  return [fileURLToPath(new URL('./server-main.js', here))];
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Guards against a recycled pid: on Linux the process must still be one of our servers. */
function isOurServer(pid: number): boolean {
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync('/proc/self/cmdline')) return isAlive(pid);
  try {
    return readFileSync(cmdline, 'utf8').includes('server-main');
  } catch {
    return false;
  }
}

export async function stopServer(pid: number, graceMs = 5_000): Promise<void> {
  if (!isOurServer(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await delay(20);
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}

function logTail(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-10).join('\n');
  } catch {
    return '';
  }
}

/** Starts a detached inference server and waits until it has verified the model and listens, or refused. */
export async function startServerProcess(options: ServerStart): Promise<StartedServer> {
  await rm(options.readyFile, { force: true });
  const log = openSync(options.logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      ...serverCommand(),
      '--artifact',
      options.artifactDir,
      '--model',
      options.model,
      '--version',
      options.version,
      '--stage',
      options.stage,
      '--host',
      options.host ?? '127.0.0.1',
      '--port',
      String(options.port ?? 0),
      '--ready-file',
      options.readyFile,
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  const what = `${options.model}@${options.version} on ${options.stage}`;
  try {
    return await pollUntil({
      what: `the inference server for ${what}`,
      interval: 15,
      timeout: options.timeoutMs,
      signal: options.signal,
      hint: `see ${options.logFile}`,
      check: async () => {
        if (existsSync(options.readyFile)) {
          const report = JSON.parse(await readFile(options.readyFile, 'utf8')) as ReadyReport;
          if (!report.ok) throw serverRefused(what, report, options.artifactDir);
          child.unref();
          const started = { pid: report.pid, port: report.port, url: report.url, health: report.health };
          return { done: true, value: started };
        }
        if (exited !== undefined) throw serverExited(what, exited, logTail(options.logFile));
        return { done: false, describe: 'verifying its model' };
      },
    });
  } catch (error) {
    if (exited === undefined && child.pid) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {}
    }
    child.unref();
    throw error;
  } finally {
    await rm(options.readyFile, { force: true });
  }
}
