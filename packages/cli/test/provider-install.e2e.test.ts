// Providers (and the AWS SDK of the S3 ledger) are optional peers of @modelship/cli: an app
// installs the ones it uses. One without @modelship/provider-sagemaker must get exit 2 naming the
// package when sagemaker is asked for, and keep working with the providers it has.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeAppWithout } from '../../../scripts/vitest/app-without.js';
import { loadProviderCliSpec, ProviderNotInstalledError } from '../src/provider-loader.js';

const app = makeAppWithout(['@modelship/provider-sagemaker', '@aws-sdk']);
afterAll(() => app.cleanup());
mkdirSync(join(app.dir, 'model'));
writeFileSync(
  join(app.dir, 'model/model.json'),
  JSON.stringify({ kind: 'linear-regression', features: ['x'], intercept: 1, coefficients: [2] }),
);

/** Runs a bin of the app's own @modelship/cli, resolving only from the app's node_modules. */
function run(bin: string, args: string[], cwd = app.dir) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [
        '--preserve-symlinks',
        '--preserve-symlinks-main',
        join(app.dir, 'node_modules/@modelship/cli/bin', `${bin}.js`),
        ...args,
      ],
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: app.dir, MODELSHIP_ACTOR: 'tester' } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('an app without @modelship/provider-sagemaker and @aws-sdk/client-s3', () => {
  it('modelship --provider sagemaker exits 2 naming the package to install', async () => {
    const result = await run('modelship', ['--provider', 'sagemaker', 'register', 'm', '--path', 'model']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the sagemaker provider is not installed');
    expect(result.stderr).toContain('npm install @modelship/provider-sagemaker');
  });

  it('a configured sagemaker provider, and modelship-sagemaker, say the same (exit 2, --json too)', async () => {
    const project = join(app.dir, 'project');
    mkdirSync(join(project, 'model'), { recursive: true });
    writeFileSync(join(project, 'model/model.json'), '{}');
    writeFileSync(
      join(project, 'modelship.config.json'),
      JSON.stringify({ providers: { sagemaker: { bucket: 'models' } } }),
    );
    const configured = await run('modelship', ['register', 'm', '--path', 'model', '--json'], project);
    expect(configured.code).toBe(2);
    expect(JSON.parse(configured.stdout).error).toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('npm install @modelship/provider-sagemaker'),
    });
    const wrapper = await run('modelship-sagemaker', ['--help']);
    expect(wrapper.code).toBe(2);
    expect(wrapper.stderr).toContain('npm install @modelship/provider-sagemaker');
  });

  it('an S3 ledger names the SDK to install (exit 2)', async () => {
    const result = await run('modelship', ['status', '--ledger', 's3://models/ledger/']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('npm install @aws-sdk/client-s3');
  });

  it('still registers with the local provider it has', async () => {
    const result = await run('modelship', ['--provider', 'local', 'register', 'm', '--path', 'model']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('v1');
  });
});

describe('loadProviderCliSpec', () => {
  const missing = (specifier: string) =>
    Object.assign(new Error(`Cannot find package '${specifier}' imported from /app/cli.js`), {
      code: 'ERR_MODULE_NOT_FOUND',
    });

  it('imports only the provider asked for', async () => {
    const imported: string[] = [];
    await loadProviderCliSpec('local', async (specifier) => {
      imported.push(specifier);
      return { cliSpec: { name: 'local' } };
    });
    expect(imported).toEqual(['@modelship/provider-local/cli']);
  });

  it('names the package when it is missing, and an unknown name lists the providers', async () => {
    const load = async (specifier: string) => {
      throw missing(specifier.replace(/\/cli$/, ''));
    };
    await expect(loadProviderCliSpec('metaflow', load)).rejects.toThrow(
      'npm install @modelship/provider-metaflow',
    );
    const unknown = await loadProviderCliSpec('sagemkr', load).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(ProviderNotInstalledError);
    expect((unknown as Error).message).toMatch(/unknown provider "sagemkr".*local, sagemaker, metaflow/);
    await expect(loadProviderCliSpec('../etc', load)).rejects.toThrow('unknown provider "../etc"');
  });

  it("a provider's own missing dependency is not mistaken for the provider missing", async () => {
    const error = missing('@aws-sdk/client-sagemaker');
    await expect(
      loadProviderCliSpec('sagemaker', async () => {
        throw error;
      }),
    ).rejects.toBe(error);
  });
});
