import { defineConfig } from 'vitest/config';

// `modelship-source` makes workspace packages resolve to their TypeScript sources in tests,
// so a change in one package is seen by its dependents without a rebuild.
const conditions = ['modelship-source', 'module', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['modelship-source'] } },
  test: {
    // Config files, not folders: packages/testing is a folder of packages, not a project.
    projects: ['packages/*/vitest.config.ts', 'packages/testing/*/vitest.config.ts', 'apps/*'],
    reporters: ['default', ['json', { outputFile: '.reports/vitest.json' }]],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
