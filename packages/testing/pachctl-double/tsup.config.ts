import { defineConfig } from 'tsup';

export default defineConfig({
  // main is run as its own process (bin/pachctl-double.mjs), resolved next to the built code.
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
