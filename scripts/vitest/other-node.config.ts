import { defineConfig } from 'vitest/config';
import root from '../../vitest.config.js';

// The root config, run by another Node (scripts/test.mjs: .peers/node22, .peers/node24) over the unit
// projects; its report is named after the Node running it, so summarize-tests.mjs counts each run.
const major = process.versions.node.split('.')[0];

export default defineConfig({
  ...root,
  test: {
    ...root.test,
    reporters: ['dot', ['json', { outputFile: `.reports/vitest-node${major}.json` }]],
  },
});
