import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'provider-metaflow',
    globalSetup: ['../../scripts/vitest/moto-global-setup.ts', './test/setup/metaflow-runs.ts'],
    // Every Metaflow command is a Python process of a second or more; a run takes several.
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
