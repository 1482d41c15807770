// Spawns apps/examples/iguazio/run.mjs: the dev → staging → production story against the emulator.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '../../..');
const built = ['packages/cli/dist/main.js', 'packages/testing/mlrun-emulator/dist/index.js'].every((file) =>
  existsSync(join(repo, file)),
);

describe.skipIf(!built)('apps/examples/iguazio', () => {
  it('runs end to end and checks every promotion, tag move, rollback and Slack notice', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(repo, 'apps/examples/iguazio/run.mjs')],
      {
        cwd: repo,
        timeout: 300_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    expect(stdout).toContain('✓ champion moved to v2 (and left v1)');
    expect(stdout).toContain('✓ fraud-prod/fraud-serving-production serves v1 again');
    expect(stdout).toContain(
      "✓ 7 deploys, each announced at start and end through modelship's notifier (7/7)",
    );
    expect(stdout).not.toContain('✗');
  }, 320_000);
});
