import { defineProject } from 'vitest/config';

export default defineProject({
  // Several tests spawn the built bin or create thousands of files; on a loaded 2-core CI box
  // that can take longer than vitest's 5 s default.
  test: { name: 'manifest', testTimeout: 60_000 },
});
