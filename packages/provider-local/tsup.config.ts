import { defineConfig } from 'tsup';

export default defineConfig({
  // server-main is started as its own process by `deploy`, resolved next to the built code.
  entry: ['src/index.ts', 'src/cli.ts', 'src/server-main.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
