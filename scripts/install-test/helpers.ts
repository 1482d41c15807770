import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseGithubOutputs } from '../../packages/core/test/helpers/github-outputs.js';
import { repoRoot } from '../packages.mjs';

/** The repository's TypeScript compiler (a devDependency), used on the apps' own files. */
export const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs an installed bin of `app` (node_modules/.bin) in `cwd`, as a user's shell or CI step would. */
export function bin(
  app: string,
  name: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
) {
  return exec(join(app, 'node_modules', '.bin', name), args, options);
}

export function exec(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): Ran {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: { ...process.env, FORCE_COLOR: '0', ...options.env },
    input: options.input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.error) throw result.error;
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** Reads a `$GITHUB_OUTPUT` file as the runner does: `name=value` lines and `name<<DELIM` blocks. */
export function readGithubOutput(path: string): Record<string, string> {
  return parseGithubOutputs(readFileSync(path, 'utf8'));
}

/** A tiny model folder the local provider can serve: y = slope·x. */
export const linearModel = (slope: number) =>
  JSON.stringify({ kind: 'linear-regression', features: ['x'], intercept: 0, coefficients: [slope] });

/** A user's tsconfig: strict, every declaration file checked, Node's types from the repository. */
export function writeStrictTsconfig(dir: string, files: string[]) {
  const compilerOptions = {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: false,
    outDir: 'out',
    rootDir: '.',
    types: ['node'],
    typeRoots: [join(repoRoot, 'node_modules', '@types')],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }, null, 2));
}
