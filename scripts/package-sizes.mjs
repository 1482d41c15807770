#!/usr/bin/env node
// The root README's size table: packed and unpacked size of every published tarball (`npm pack
// --dry-run`), and the installed size of the two installs users make, as the pack-and-install test
// last measured them (.reports/install-sizes.json). The test checks the table loosely: sizes drift
// with every change, so only a drift beyond `tolerance` calls for a rewrite.
//   node scripts/package-sizes.mjs                  print the table
//   node scripts/package-sizes.mjs --write-readme   rewrite it in README.md
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packAll, repoRoot } from './packages.mjs';

const begin = '<!-- package-sizes:begin (node scripts/package-sizes.mjs --write-readme) -->';
const end = '<!-- package-sizes:end -->';

export const installs = {
  cli: '`@modelship/cli` + `@modelship/provider-local` (a CI job on the local provider)',
  verify: '`@modelship/manifest` alone (an inference image that only verifies models)',
};

/** `1536` → `1.5 KiB`; the README's unit, read back by `parseSize`. */
export function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 ** 2).toFixed(2)} MiB`;
}

export function parseSize(text) {
  const match = /^([\d.]+) (B|KiB|MiB)$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * { B: 1, KiB: 1024, MiB: 1024 ** 2 }[match[2]];
}

/**
 * The table as markdown. `packed`: npm's pack report per package; `installed`: `{ cli, verify }`,
 * each `{ bytes, packages }`.
 */
export function sizesTable(packed, installed) {
  const rows = [...packed].sort((a, b) => a.name.localeCompare(b.name));
  const total = (key) => rows.reduce((sum, p) => sum + p[key], 0);
  const lines = [
    begin,
    '| package | packed | unpacked | files |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map(
      (p) =>
        `| \`${p.name}\` | ${formatSize(p.size)} | ${formatSize(p.unpackedSize)} | ${p.entryCount ?? p.files.length} |`,
    ),
    `| total | ${formatSize(total('size'))} | ${formatSize(total('unpackedSize'))} | |`,
    '',
    '| install (`npm install`, sum of file sizes under node_modules) | size | packages |',
    '| --- | ---: | ---: |',
    ...Object.entries(installs).map(([key, what]) =>
      installed?.[key]
        ? `| ${what} | ${formatSize(installed[key].bytes)} | ${installed[key].packages} |`
        : `| ${what} | not measured | |`,
    ),
    end,
  ];
  return lines.join('\n');
}

/** The sizes the README states: `{ packages: { name: { packed, unpacked } }, installs: { key: bytes } }`. */
export function readmeSizes(readme) {
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) return undefined;
  const cells = readme
    .slice(from, to)
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .map((line) => line.split('|').map((cell) => cell.trim()));
  const packages = {};
  const installed = {};
  for (const [, first, second, third] of cells) {
    const name = /^`(@modelship\/[^`]+)`$/.exec(first)?.[1];
    if (name) packages[name] = { packed: parseSize(second), unpacked: parseSize(third) };
    const install = Object.entries(installs).find(([, what]) => what === first)?.[0];
    if (install) installed[install] = parseSize(second);
  }
  return { packages, installed };
}

/**
 * Why the README's table no longer describes `packed` and `installed` (empty when it still does):
 * a package added or gone, or a size off by more than `tolerance` (a fraction) and 4 KiB.
 */
export function staleSizes(readme, packed, installed, tolerance = 0.2) {
  const stated = readmeSizes(readme);
  if (!stated) return [`README.md has no size table between ${begin} and ${end}`];
  const problems = [];
  const off = (what, said, actual) => {
    if (said === undefined) problems.push(`${what}: not stated`);
    else if (Math.abs(said - actual) > Math.max(actual * tolerance, 4096))
      problems.push(`${what}: README says ${formatSize(said)}, measured ${formatSize(actual)}`);
  };
  for (const p of packed) {
    off(`${p.name} packed`, stated.packages[p.name]?.packed, p.size);
    off(`${p.name} unpacked`, stated.packages[p.name]?.unpacked, p.unpackedSize);
  }
  for (const name of Object.keys(stated.packages))
    if (!packed.some((p) => p.name === name)) problems.push(`${name}: in the README, no longer published`);
  for (const key of Object.keys(installs))
    if (installed?.[key]) off(`install ${key}`, stated.installed[key], installed[key].bytes);
  return problems;
}

export function replaceTable(readme, table) {
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md: no ${begin} … ${end} section to rewrite`);
  return readme.slice(0, from) + table + readme.slice(to + end.length);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const measured = join(repoRoot, '.reports', 'install-sizes.json');
  const installed = existsSync(measured) ? JSON.parse(readFileSync(measured, 'utf8')) : undefined;
  if (!installed && process.argv.includes('--write-readme')) {
    console.error(
      'package-sizes: no .reports/install-sizes.json to take the install sizes from; run the ' +
        'pack-and-install test first: npx vitest run --config scripts/install-test/vitest.config.ts',
    );
    process.exit(2);
  }
  const table = sizesTable(packAll(null), installed);
  if (process.argv.includes('--write-readme')) {
    const path = join(repoRoot, 'README.md');
    writeFileSync(path, replaceTable(readFileSync(path, 'utf8'), table));
    console.log('package-sizes: README.md rewritten');
  } else console.log(table);
}
