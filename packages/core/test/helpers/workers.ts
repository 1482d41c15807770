import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Bundles a worker script (and @modelship/core from source) into one file, so that each spawned
 * process starts in a fraction of a second on plain node instead of compiling TypeScript.
 */
export async function bundleWorker(name: string): Promise<string> {
  const { build } = await import('esbuild');
  const outDir = join(packageRoot, 'node_modules', '.cache', 'modelship-core-test', `${name}-${process.pid}`);
  await mkdir(outDir, { recursive: true });
  const outfile = join(outDir, `${name}.mjs`);
  await build({
    entryPoints: [join(packageRoot, 'test', 'fixtures', `${name}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    conditions: ['modelship-source'],
    // Optional peers (the S3 SDK, manifest's keyless verification) stay imports, installed or not.
    external: ['@aws-sdk/*', '@sigstore/*'],
    logLevel: 'error',
  });
  return outfile;
}

export interface Worker {
  child: ChildProcess;
  lines: string[];
  ready: Promise<void>;
  exited: Promise<number | null>;
}

export function startWorker(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): Worker {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const lines: string[] = [];
  let buffer = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  child.stdout?.on('data', (chunk) => {
    buffer += String(chunk);
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const line of parts) {
      if (line === 'ready') markReady();
      else lines.push(line);
    }
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('exit', (code) => {
      markReady();
      if (code !== 0 && code !== null && stderr) reject(new Error(`worker exited ${code}: ${stderr}`));
      else resolve(code);
    });
  });
  return { child, lines, ready, exited };
}

export interface RaceRound {
  outcomes: Array<{ outcome?: string; error?: string; version?: string }>;
  champion: string;
}

/**
 * Starts each round at once for every racer (a start file written then renamed, so that no racer
 * reads a half-written signal) and collects one outcome line per racer and round.
 */
export async function runRaceRounds(
  workers: Worker[],
  control: string,
  rounds: number,
  afterRound: (round: RaceRound) => Promise<void> | void,
): Promise<string[]> {
  await Promise.all(workers.map((worker) => worker.ready));
  let champion = 'none';
  const winners: string[] = [];
  for (let round = 0; round < rounds; round += 1) {
    await writeFile(join(control, `.go-${round}`), champion);
    await rename(join(control, `.go-${round}`), join(control, `go-${round}`));
    while (workers.some((worker) => worker.lines.length <= round))
      await new Promise((r) => setTimeout(r, 20));
    const outcomes = workers.map((worker) => JSON.parse(worker.lines[round] as string));
    const won = outcomes.filter((o) => o.outcome === 'promoted');
    champion = won[0]?.version ?? champion;
    winners.push(champion);
    await afterRound({ outcomes, champion });
  }
  return winners;
}
