// The build every workspace package shares: ESM for Node 20, types, source maps. `node:` stays on
// builtins: vitest's module runner resolves a bare `timers` as a file of the importing package.
import { defineConfig, type Options } from 'tsup';

export function packageBuild(entry: NonNullable<Options['entry']>, options: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    removeNodeProtocol: false,
    ...options,
  });
}
