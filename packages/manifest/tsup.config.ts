import { defineConfig } from 'tsup';

export default defineConfig({
  // hash-worker is its own entry: the pool starts it as a file, resolved next to the built code.
  entry: ['src/index.ts', 'src/verify.ts', 'src/cli.ts', 'src/hash-worker.ts'],
  format: ['esm'],
  dts: { entry: ['src/index.ts', 'src/verify.ts', 'src/cli.ts'] },
  sourcemap: true,
  clean: true,
  target: 'node20',
  removeNodeProtocol: false,
});
