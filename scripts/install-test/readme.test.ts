// Docs that run: every TypeScript/JavaScript and shell block in the README of a published package,
// against the installed tarballs (the `docs` app has all of them). TypeScript blocks are
// type-checked strictly in one compiler run, then each runs with node; shell blocks run in bash with
// the app's bins and the wheel's python on PATH. Blocks marked `norun` are skipped tests.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { publishedPackages, repoRoot } from '../packages.mjs';
import { ensurePeers, venvBin } from '../peers.mjs';
import { bin, exec, type Ran, tsc, writeStrictTsconfig } from './helpers.js';
import { codeBlocks, consoleSession, sessionOutputs, shellScript } from './readme-blocks.js';
import { readmeFixtures } from './readme-fixtures.js';

const { apps, venvPython } = inject('install');
const app = apps.docs;

// The blocks run as the reader's code: no CI environment leaking in from the machine running the test.
const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.keys(process.env)
    .filter((name) => name.startsWith('GITHUB_') || name.startsWith('MODELSHIP_'))
    .map((name) => [name, undefined]),
);
// The wheel's python first (what `python` means in the blocks), then the OpenSSF model_signing tool.
env.PATH = [
  join(app, 'node_modules', '.bin'),
  dirname(venvPython),
  dirname(venvBin('python', 'modelsigning')),
  process.env.PATH,
].join(':');

const readmes = publishedPackages()
  .map(({ dir }) => ({ folder: dir.split('/').at(-1)!, path: join(dir, 'README.md') }))
  .filter(({ path }) => existsSync(join(repoRoot, path)))
  .map((readme) => ({
    ...readme,
    dir: join(app, `readme-${readme.folder}`),
    // A block that appends to the job summary (`>> "$GITHUB_STEP_SUMMARY"`) has one to append to.
    env: { ...env, GITHUB_STEP_SUMMARY: join(app, `readme-${readme.folder}`, 'step-summary.md') },
    blocks: codeBlocks(readFileSync(join(repoRoot, readme.path), 'utf8')),
  }));
const scriptFile = (folder: string, line: number, lang: string) =>
  join(`readme-${folder}`, `block-${line}.${lang.startsWith('j') || lang === 'mjs' ? 'mjs' : 'ts'}`);

let typecheck: Ran;
beforeAll(() => {
  ensurePeers(['modelsigning']);
  const files: string[] = [];
  for (const readme of readmes) {
    mkdirSync(readme.dir, { recursive: true });
    readmeFixtures[readme.folder]?.(readme.dir, app);
    for (const block of readme.blocks.filter((b) => b.kind === 'script' && b.run)) {
      const file = scriptFile(readme.folder, block.line, block.lang);
      // `export {}` keeps a block without imports a module, so top-level await works.
      writeFileSync(join(app, file), `${block.code}\nexport {};\n`);
      if (file.endsWith('.ts')) files.push(file);
    }
  }
  writeStrictTsconfig(app, files);
  typecheck = exec(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app });
});

afterAll(() => {
  for (const readme of readmes)
    if (existsSync(join(readme.dir, '.modelship')))
      bin(app, 'modelship-local', ['undeploy', '--all', '--root', join(readme.dir, '.modelship')], {
        cwd: readme.dir,
      });
});

it('the installed declarations the README blocks import type-check', () => {
  const elsewhere = typecheck.stdout
    .split('\n')
    .filter((line) => /error TS/.test(line) && !line.startsWith('readme-'));
  if (elsewhere.length > 0) expect.fail(`installed declarations do not type-check:\n${elsewhere.join('\n')}`);
});

for (const readme of readmes) {
  describe(readme.path, () => {
    for (const block of readme.blocks) {
      const name = `${block.lang} block at line ${block.line}`;
      it.skipIf(!block.run)(name, () => {
        const where = `${readme.path}:${block.line}`;
        let ran: Ran;
        if (block.kind === 'script') {
          const file = scriptFile(readme.folder, block.line, block.lang);
          const errors = typecheck.stdout.split('\n').filter((line) => line.startsWith(file));
          if (errors.length > 0) expect.fail(`${where} does not type-check:\n${errors.join('\n')}`);
          const compiled = file.endsWith('.ts') ? join('out', file.replace(/\.ts$/, '.js')) : file;
          ran = exec(process.execPath, [join(app, compiled)], { cwd: readme.dir, env: readme.env });
        } else if (block.lang === 'console') {
          const session = consoleSession(block.code);
          ran = exec('bash', ['-c', session.script], { cwd: readme.dir, env: readme.env });
          expect(sessionOutputs(ran.stdout), `${where}: the transcript no longer matches`).toEqual(
            session.expected,
          );
          return;
        } else {
          ran = exec('bash', ['-c', shellScript(block.code)], { cwd: readme.dir, env: readme.env });
        }
        expect(ran.code, `${where} failed:\n${ran.stdout}\n${ran.stderr}`).toBe(0);
      });
    }
  });
}
