import { defineProject } from 'vitest/config';

export default defineProject({
  // The end-to-end tests spawn real CLI processes and inference servers; the S3 ledger test uses moto.
  test: {
    name: 'cli',
    globalSetup: ['./test/global-setup.ts', '../../scripts/vitest/moto-global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
