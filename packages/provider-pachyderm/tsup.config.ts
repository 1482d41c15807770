import { defineConfig } from 'tsup';

export default defineConfig({
  // double/main is run as its own process (bin/pachctl-double.mjs), resolved next to the built code.
  entry: ['src/index.ts', 'src/cli.ts', 'src/testing.ts', 'src/double/main.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
