// Real Metaflow runs are slow (seconds each), so the runs several test files only read or tag are
// made once here: a good run with a model, a weaker one without, and a failed one.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { flowName, flowsDir, metaflowEnv, python } from '../fixtures.js';

export interface SharedRuns {
  root: string;
  good: string;
  weak: string;
  failed: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    metaflowRuns: SharedRuns;
    motoUrl: string;
  }
}

const run = promisify(execFile);

async function flowRun(root: string, name: string, params: string[]): Promise<string> {
  const idFile = join(root, `${name}.id`);
  await run(python, [join(flowsDir, 'train_flow.py'), 'run', '--run-id-file', idFile, ...params], {
    env: { ...process.env, ...metaflowEnv(root) },
    timeout: 180_000,
  }).catch((error: { code?: number; stderr?: string }) => {
    if (!params.includes('--fail')) throw new Error(`setup run ${name} failed: ${error.stderr}`);
  });
  return `${flowName}/${readFileSync(idFile, 'utf8').trim()}`;
}

export default async function setup(project: TestProject) {
  const root = mkdtempSync(join(tmpdir(), 'modelship-metaflow-shared-'));
  const good = await flowRun(root, 'good', ['--accuracy', '0.93']);
  const weak = await flowRun(root, 'weak', ['--accuracy', '0.5', '--keep-model', 'false']);
  const failed = await flowRun(root, 'failed', ['--fail', 'true']);
  project.provide('metaflowRuns', { root, good, weak, failed });
  return () => rmSync(root, { recursive: true, force: true });
}
