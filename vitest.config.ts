import { defineConfig } from 'vitest/config';

// `modelship-source` makes workspace packages resolve to their TypeScript sources in tests,
// so a change in one package is seen by its dependents without a rebuild.
const conditions = ['modelship-source', 'module', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['modelship-source'] } },
  test: {
    projects: ['packages/*', 'apps/*'],
    reporters: ['default', ['json', { outputFile: '.reports/vitest.json' }]],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
