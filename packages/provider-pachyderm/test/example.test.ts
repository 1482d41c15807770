import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const run = fileURLToPath(new URL('../../../apps/examples/pachyderm/run.mjs', import.meta.url));
const built = ['core', 'provider-pachyderm'].every((pkg) =>
  existsSync(fileURLToPath(new URL(`../../${pkg}/dist/index.js`, import.meta.url))),
);

describe('apps/examples/pachyderm', () => {
  it.skipIf(!built)(
    'runs the housing-prices scenario end to end against the double',
    () => {
      const result = spawnSync(process.execPath, [run], { encoding: 'utf8', timeout: 280_000 });
      expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(result.stdout).toMatch(/registered v2: regression@[0-9a-f]{32}/);
      expect(result.stdout).toMatch(/lineage: data housing_data@[0-9a-f]{32} \(parent [0-9a-f]{32}\)/);
      expect(result.stdout).toContain('hash chain verified');
      expect(result.stdout).not.toContain('pachyderm-example-token');
    },
    300_000,
  );
});
