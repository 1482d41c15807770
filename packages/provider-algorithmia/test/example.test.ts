// Spawns `apps/examples/algorithmia/run.mjs` (needs dist: `npm run build`, which `npm test` does first).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers.js';

const exec = promisify(execFile);
const script = join(repoRoot, 'apps', 'examples', 'algorithmia', 'run.mjs');
const built =
  existsSync(join(repoRoot, 'packages', 'cli', 'dist', 'wrapper.js')) &&
  existsSync(join(repoRoot, 'packages', 'testing', 'algorithmia-emulator', 'dist', 'index.js'));

describe('the Algorithmia example', () => {
  it.skipIf(!built)(
    'runs train → upload → staging → production → tamper refused → failing notebook stops, and exits 0',
    async () => {
      const { stdout } = await exec(process.execPath, [script], { timeout: 580_000, maxBuffer: 1 << 24 });
      expect(stdout).toContain('retry skipped=true');
      expect(stdout).toMatch(/2 test cases passed/);
      expect(stdout).toMatch(/\/v1\/algo\/demo\/housing_price\/0\.1\.0 .* MEDV ≈ \$/);
      expect(stdout).toContain('algorithm label: "v1 champion"');
      expect(stdout).toMatch(/refused: .*integrity/);
      expect(stdout).toMatch(/nothing was uploaded or pushed/);
    },
    600_000,
  );
});
