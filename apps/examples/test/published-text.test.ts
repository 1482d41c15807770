// What a package ships is read outside this repository: its README, SPEC, built code, error hints
// and the `init` template may point at the package's own files or at published names, never at
// monorepo paths (`packages/core/SPEC.md`, `apps/examples/…`) that do not exist in an install.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..', '..');
const packagesDir = join(repo, 'packages');
const shipped = ['README.md', 'SPEC.md', 'dist', 'bin', 'src', 'schema'];
const text = /\.(md|[cm]?js|ts|map|json)$/;
const monorepoPath = /(^|[^\w@./-])(packages\/[a-z]|apps\/examples)/;

function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return text.test(path) ? [path] : [];
  return readdirSync(path).flatMap((entry) => files(join(path, entry)));
}

const published = readdirSync(packagesDir)
  .map((dir) => join(packagesDir, dir))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .filter((dir) => !JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private);

describe('published packages name no monorepo paths', () => {
  it('finds the published packages, built', () => {
    expect(published.length).toBeGreaterThanOrEqual(9);
    for (const dir of published) expect(existsSync(join(dir, 'dist')), dir).toBe(true);
  });

  it.each(published.map((dir) => relative(packagesDir, dir)))('%s', (name) => {
    const found = shipped
      .flatMap((entry) => files(join(packagesDir, name, entry)))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((line, index) =>
            monorepoPath.test(line)
              ? [`${relative(repo, file)}:${index + 1}: ${line.trim().slice(0, 160)}`]
              : [],
          ),
      );
    expect(found).toEqual([]);
  });
});
