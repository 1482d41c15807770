import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'examples', globalSetup: ['./test/global-setup.ts'] },
});
