import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'core',
    globalSetup: ['../../scripts/vitest/moto-global-setup.ts'],
    // The race and crash tests spawn 20 node processes on a small machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
