import { defineProject } from 'vitest/config';

// Builds run real git and Python: on a loaded 2-core runner a conformance step can pass 5 s.
export default defineProject({
  test: { name: 'provider-algorithmia', testTimeout: 60_000 },
});
