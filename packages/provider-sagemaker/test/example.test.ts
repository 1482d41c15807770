import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../../..');
const built = ['core', 'manifest', 'provider-sagemaker'].every((pkg) =>
  existsSync(resolve(repo, 'packages', pkg, 'dist', 'index.js')),
);

describe.skipIf(!built)('apps/examples/sagemaker (needs dist: npx turbo run build)', () => {
  it('runs the whole scenario against its own moto server and exits 0', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [resolve(repo, 'apps/examples/sagemaker/run.mjs')],
      {
        timeout: 120_000,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
      },
    );
    expect(stdout).toContain('endpoint churn-staging: InService on churn-staging-v1-config');
    expect(stdout).toContain('endpoint churn-production: InService on churn-production-v1-config');
    expect(stdout).toMatch(/model-package\/churn\/2 is now Rejected/);
    expect(stdout).toMatch(/"ok":true/);
    expect(stdout).not.toContain('example-dummy-secret');
    expect(stdout.trimEnd().endsWith('example: done')).toBe(true);
  }, 150_000);
});
