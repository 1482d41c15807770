import { defineConfig } from 'tsup';

const shared = { format: ['esm'] as const, sourcemap: true, target: 'node20', removeNodeProtocol: false };

export default defineConfig([
  {
    ...shared,
    // The public entries share one chunk, so `@modelship/manifest/verify` loads in two files.
    entry: ['src/index.ts', 'src/verify.ts', 'src/cli.ts'],
    dts: true,
    clean: true,
  },
  {
    ...shared,
    // The worker is started as a file, resolved next to the built code; bundled whole so it does
    // not split the public entries' chunk.
    entry: ['src/hash-worker.ts'],
    splitting: false,
    clean: false,
  },
]);
