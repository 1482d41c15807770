import { defineConfig } from 'tsup';

export default defineConfig({
  // `errors` is dependency-free: provider `cli` modules use it so a wrapper's --help skips zod.
  entry: {
    index: 'src/index.ts',
    testing: 'src/testing.ts',
    errors: 'src/contract/errors.ts',
    'provider-kit': 'src/provider-kit/index.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: ['vitest', '@aws-sdk/client-s3'],
  // Keep `node:` on builtins: vitest's module runner resolves a bare `timers` as a file of the test's package.
  removeNodeProtocol: false,
});
