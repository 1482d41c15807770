import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The packages as users get them: packed, installed from the tarballs into temporary apps (see
// global-setup.ts). Not a project of the root config: `npm test` runs it beside the main vitest run
// (scripts/test.mjs), or alone: `npx vitest run --config scripts/install-test/vitest.config.ts`.
export default defineConfig({
  root: dirname(fileURLToPath(import.meta.url)),
  test: {
    name: 'install',
    include: ['*.test.ts'],
    globalSetup: ['./global-setup.ts'],
    reporters: ['default', ['json', { outputFile: '../../.reports/vitest-install.json' }]],
    testTimeout: 120_000,
    hookTimeout: 240_000,
  },
});
