import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const binDir = fileURLToPath(new URL('../bin/', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Spawns the built bin (`modelship` or a wrapper) and collects its output; never rejects. */
export function cli(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; bin?: string },
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(binDir, `${options.bin ?? 'modelship'}.js`), ...args],
      // The ambient CI variables of whoever runs the tests must not leak into the commands.
      {
        cwd: options.cwd,
        env: { PATH: process.env.PATH ?? '', HOME: options.cwd, MODELSHIP_ACTOR: 'tester', ...options.env },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export const defaultConfig = `version: 1
stages: [staging, production]
gates:
  staging:
    metrics:
      r2: ">= 0.5"
approvals:
  production:
    count: 1
`;

/** A project directory with a config and a model (a linear model the local server can run). */
export function makeProject(config = defaultConfig): {
  dir: string;
  model: (name: string, slope: number, r2: number) => { path: string; metrics: string };
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'modelship-cli-'));
  writeFileSync(join(dir, 'modelship.config.yaml'), config);
  return {
    dir,
    model(name, slope, r2) {
      const path = join(dir, 'models', name);
      mkdirSync(path, { recursive: true });
      writeFileSync(
        join(path, 'model.json'),
        JSON.stringify({ kind: 'linear-regression', features: ['x'], intercept: 0, coefficients: [slope] }),
      );
      const metrics = join(dir, 'models', `${name}.metrics.json`);
      writeFileSync(metrics, JSON.stringify({ r2 }));
      return { path, metrics };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Stops every local inference server a project started. */
export async function stopServers(dir: string): Promise<void> {
  await cli(['undeploy', '--all', '--root', join(dir, '.modelship')], { cwd: dir, bin: 'modelship-local' });
}

/** A project for one test file: its servers stopped and its directory removed after the file's tests. */
export function useProject(config?: string): ReturnType<typeof makeProject> {
  const project = makeProject(config);
  afterAll(async () => {
    await stopServers(project.dir);
    project.cleanup();
  });
  return project;
}

/** Registers one version of `model` per `[name, slope, r2]`, in order (v1, v2, …); each must succeed. */
export async function registerVersions(
  project: ReturnType<typeof makeProject>,
  model: string,
  versions: Array<readonly [string, number, number]>,
  env?: Record<string, string>,
): Promise<void> {
  for (const [name, slope, r2] of versions) {
    const files = project.model(name, slope, r2);
    const registered = await cli(['register', model, '--path', files.path, '--metrics', files.metrics], {
      cwd: project.dir,
      ...(env ? { env } : {}),
    });
    if (registered.code !== 0) throw new Error(`register ${model} ${name} failed: ${registered.stderr}`);
  }
}
