import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'cli', globalSetup: ['./test/global-setup.ts'] },
});
