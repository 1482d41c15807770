import { describe, expect, it } from 'vitest';
import { formatSize, parseSize, replaceTable, sizesTable, staleSizes } from '../package-sizes.mjs';

const packed = [
  { name: '@modelship/core', size: 150_000, unpackedSize: 600_000, entryCount: 21 },
  { name: '@modelship/manifest', size: 80_000, unpackedSize: 290_000, entryCount: 38 },
];
const installed = { cli: { bytes: 32_000_000, packages: 78 }, verify: { bytes: 290_000, packages: 1 } };
const readme = (table: string) => `# x\n\n${table}\n\nmore\n`;

describe('the README size table', () => {
  it('reads back what it writes, and a fresh table is not stale', () => {
    expect(parseSize(formatSize(1536))).toBe(1536);
    expect(staleSizes(readme(sizesTable(packed, installed)), packed, installed)).toEqual([]);
  });

  it('tolerates drift within 20%, names the package and both sizes beyond it', () => {
    const text = readme(sizesTable(packed, installed));
    const grown = [
      { ...packed[0]!, size: 170_000 },
      { ...packed[1]!, unpackedSize: 400_000 },
    ];
    expect(staleSizes(text, grown, installed)).toEqual([
      '@modelship/manifest unpacked: README says 283.2 KiB, measured 390.6 KiB',
    ]);
  });

  it('a package added or gone, or no table at all, is stale', () => {
    const text = readme(sizesTable(packed.slice(0, 1), installed));
    expect(staleSizes(text, packed, installed)).toEqual([
      '@modelship/manifest packed: not stated',
      '@modelship/manifest unpacked: not stated',
    ]);
    expect(staleSizes(readme(sizesTable(packed, installed)), packed.slice(0, 1), installed)).toEqual([
      '@modelship/manifest: in the README, no longer published',
    ]);
    expect(staleSizes('# x', packed, installed)[0]).toMatch(/no size table/);
  });

  it('rewrites only the table', () => {
    const text = readme(sizesTable(packed.slice(0, 1), installed));
    const rewritten = replaceTable(text, sizesTable(packed, installed));
    expect(rewritten.startsWith('# x\n\n')).toBe(true);
    expect(rewritten.endsWith('\n\nmore\n')).toBe(true);
    expect(staleSizes(rewritten, packed, installed)).toEqual([]);
  });
});
