import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
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
    external: ['@aws-sdk/*', 'proper-lockfile'],
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
