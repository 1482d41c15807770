// The root README's size table states what this run packed and installed (loosely: within 20%).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { formatSize, staleSizes } from '../package-sizes.mjs';
import { repoRoot } from '../packages.mjs';

const { packed, sizes } = inject('install');

describe('the size table in the root README', () => {
  it('matches the tarballs and installs measured by this run', () => {
    console.log(
      `installed: cli + provider-local ${formatSize(sizes.cli.bytes)} (${sizes.cli.packages} packages), ` +
        `manifest alone ${formatSize(sizes.verify.bytes)} (${sizes.verify.packages} packages)`,
    );
    const problems = staleSizes(readFileSync(join(repoRoot, 'README.md'), 'utf8'), packed, sizes);
    if (problems.length > 0)
      expect.fail(
        `the README is stale; run \`node scripts/package-sizes.mjs --write-readme\`:\n${problems.join('\n')}`,
      );
  });
});
