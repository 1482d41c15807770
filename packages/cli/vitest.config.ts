import { defineProject } from 'vitest/config';

export default defineProject({
  // The end-to-end tests spawn real CLI processes and inference servers.
  test: { name: 'cli', globalSetup: ['./test/global-setup.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
});
