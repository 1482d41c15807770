import { defineProject } from 'vitest/config';

export default defineProject({
  // Deploy tests start real inference server processes.
  test: { name: 'provider-local', testTimeout: 60_000, hookTimeout: 60_000 },
});
