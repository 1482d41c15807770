import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'core', globalSetup: ['../../scripts/vitest/moto-global-setup.ts'] },
});
