// CommonJS callers on Node ≥ 20.19 `require()` the ESM builds (require(esm)): every entry of every
// published package must resolve for `require` and load without top-level await.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const packagesDir = join(import.meta.dirname, '..', '..', '..', 'packages');

interface PackageJson {
  name: string;
  private?: boolean;
  exports?: Record<string, string | Record<string, string>>;
}

const entries = readdirSync(packagesDir, { withFileTypes: true })
  .filter((dir) => dir.isDirectory())
  .flatMap((dir) => {
    let pkg: PackageJson;
    try {
      pkg = JSON.parse(readFileSync(join(packagesDir, dir.name, 'package.json'), 'utf8'));
    } catch {
      return []; // a folder of packages (packages/testing), not a package
    }
    if (pkg.private) return [];
    return Object.entries(pkg.exports ?? {})
      .filter(([, target]) => typeof target !== 'string') // code entries have conditions; files do not
      .map(([subpath]) => (subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`));
  });

describe('require(esm) of every published entry', () => {
  it('finds the entries', () => {
    expect(entries).toContain('@modelship/manifest/verify');
    expect(entries.length).toBeGreaterThanOrEqual(15);
  });

  it.each(entries)(
    'require(%j)',
    (entry) => {
      const script = `const m = require(${JSON.stringify(entry)}); process.stdout.write(String(Object.keys(m).length));`;
      const result = spawnSync(process.execPath, ['--no-warnings', '-e', script], {
        cwd: join(packagesDir, '..', 'apps', 'examples'),
        encoding: 'utf8',
      });
      expect(result.stderr).toBe('');
      expect(Number(result.stdout)).toBeGreaterThan(0);
    },
    60_000,
  );
});
