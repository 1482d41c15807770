// The packages users install: every workspace package under packages/ that is not private, and
// `npm pack` over all of them at once (the pack-and-install test and the size table use both).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `{ name, dir }` of every publishable package, `dir` relative to the repository root. */
export function publishedPackages() {
  return ['packages', join('packages', 'testing')]
    .flatMap((parent) => readdirSync(join(repoRoot, parent)).map((dir) => join(parent, dir)))
    .filter((dir) => existsSync(join(repoRoot, dir, 'package.json')))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => !pkg.private)
    .map(({ dir, pkg }) => ({ name: pkg.name, dir }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Packs every publishable package (already built) into `destination`; returns npm's report per
 * package: `{ name, filename, size, unpackedSize, files: [{ path, size }] }`. `destination: null`
 * only measures (`--dry-run`).
 */
export function packAll(destination) {
  const workspaces = publishedPackages().flatMap(({ dir }) => ['--workspace', dir]);
  const target = destination ? ['--pack-destination', destination] : ['--dry-run'];
  const packed = spawnSync('npm', ['pack', '--json', '--ignore-scripts', ...target, ...workspaces], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (packed.status !== 0) throw new Error(`npm pack failed (exit ${packed.status}):\n${packed.stderr}`);
  return JSON.parse(packed.stdout);
}

/**
 * Why a packed file of a published package must not ship, or undefined when it may. Sources stay
 * out: the source maps in dist/ embed them (`sourcesContent`), and no declaration maps point at them.
 */
export function refusedInTarball(path) {
  if (/(^|\/)(emulators?|doubles?)(\/|$)/i.test(path) || /(emulator|double)[^/]*\.[cm]?[jt]s$/i.test(path))
    return `${path} is test-platform code; it belongs in a private packages/testing/* package`;
  if (/^(src|test|tests)\//.test(path) || /\.(test|spec)\.[cm]?[jt]sx?$/.test(path))
    return `${path} is source or test code; the tarball ships dist/, whose source maps embed the sources`;
  return undefined;
}
