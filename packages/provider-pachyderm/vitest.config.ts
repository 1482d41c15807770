import { defineProject } from 'vitest/config';

export default defineProject({
  // Every pachctl call starts a process (the double); on a shared 2-core machine a train is ~10 of them.
  test: { name: 'provider-pachyderm', testTimeout: 60_000, hookTimeout: 60_000 },
});
