import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../../apps/examples/metaflow/run.mjs', import.meta.url));
const built = existsSync(new URL('../dist/index.js', import.meta.url));

// Four real Metaflow runs plus moto: about a minute and a half on an idle machine.
describe.skipIf(!built)('apps/examples/metaflow (spawned)', () => {
  it('runs the whole story and exits 0', { timeout: 1_200_000 }, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [script], {
      timeout: 1_200_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(stdout).toContain('the weak run is not a candidate');
    expect(stdout).toContain('the manifest verifier checked model.pkl');
    expect(stdout).toContain('the verifier refused the tampered model');
    expect(stdout).toContain('== done');
  });
});
