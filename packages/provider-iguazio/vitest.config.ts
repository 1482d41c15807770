import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'provider-iguazio', globalSetup: ['../../scripts/vitest/moto-global-setup.ts'] },
});
