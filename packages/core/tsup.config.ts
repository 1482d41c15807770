import { defineConfig } from 'tsup';

export default defineConfig({
  // `errors` is dependency-free: provider `cli` modules use it so a wrapper's --help skips zod.
  entry: { index: 'src/index.ts', testing: 'src/testing.ts', errors: 'src/contract/errors.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: ['vitest', '@aws-sdk/client-s3'],
});
