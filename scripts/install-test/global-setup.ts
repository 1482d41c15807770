// Packs every published package and installs the tarballs into three temporary apps, while the
// Python twin's wheel is built and installed into a fresh virtual environment:
//   cli     @modelship/cli + @modelship/provider-local (+ core, which both depend on): a CI job
//   verify  @modelship/manifest alone: an inference image that only verifies models
//   docs    every published package: where the READMEs' code blocks run
// Needs the packages built (`npm test` builds first). Install sizes land in .reports/install-sizes.json.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { installWheel } from '../check-wheel.mjs';
import { packAll, repoRoot } from '../packages.mjs';
import { installApp, installedSize, type Packed } from './apps.js';

export interface InstallContext {
  work: string;
  apps: { cli: string; verify: string; docs: string };
  venvPython: string;
  packed: (Omit<Packed, 'files'> & { paths: string[] })[];
  sizes: Record<'cli' | 'verify', { bytes: number; packages: number }>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    install: InstallContext;
  }
}

export default async function setup(project: TestProject) {
  const work = mkdtempSync(join(tmpdir(), 'modelship-install-'));
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  const packed = packAll(tarballs) as Packed[];
  const names = packed.map((p) => p.name);
  const apps = { cli: join(work, 'cli'), verify: join(work, 'verify'), docs: join(work, 'docs') };
  const wheelLog = openSync(join(work, 'wheel.log'), 'w');
  mkdirSync(join(work, 'wheel'));
  const [venvPython] = await Promise.all([
    installWheel(join(work, 'wheel'), { stdio: ['ignore', wheelLog, wheelLog] }),
    installApp(
      apps.cli,
      ['@modelship/cli', '@modelship/provider-local', '@modelship/core'],
      packed,
      tarballs,
    ),
    installApp(apps.verify, ['@modelship/manifest'], packed, tarballs),
    installApp(apps.docs, names, packed, tarballs),
  ]);
  closeSync(wheelLog);
  const sizes = {
    cli: installedSize(join(apps.cli, 'node_modules')),
    verify: installedSize(join(apps.verify, 'node_modules')),
  };
  mkdirSync(join(repoRoot, '.reports'), { recursive: true });
  writeFileSync(join(repoRoot, '.reports', 'install-sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
  const context: InstallContext = {
    work,
    apps,
    venvPython,
    packed: packed.map(({ files, ...rest }) => ({ ...rest, paths: files.map((file) => file.path) })),
    sizes,
  };
  project.provide('install', context);
  return () => {
    if (process.env.MODELSHIP_KEEP_INSTALL_TEST) return console.log(`install-test: kept ${work}`);
    // Some 20,000 files: removing them takes half a minute on a busy disk, which nobody waits for.
    spawn('rm', ['-rf', work], { detached: true, stdio: 'ignore' }).unref();
  };
}
