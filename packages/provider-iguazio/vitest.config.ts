import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'provider-iguazio',
    globalSetup: ['../../scripts/vitest/moto-global-setup.ts'],
    // Waits are bounded by the code under test; this only absorbs a busy shared machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
