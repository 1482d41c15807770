import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'provider-sagemaker',
    globalSetup: ['../../scripts/vitest/moto-global-setup.ts', './test/setup/sagemaker-endpoints.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
