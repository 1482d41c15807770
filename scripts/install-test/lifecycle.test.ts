// The core README's lifecycle, as a TypeScript user runs it against the installed packages: the
// script type-checks with `strict` and `skipLibCheck: false` (so every shipped .d.ts must resolve),
// compiles, and drives the promoter through register, the stages, an approval and a rollback.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { bin, exec, tsc, writeStrictTsconfig } from './helpers.js';

const { apps } = inject('install');
const cwd = mkdtempSync(join(apps.cli, 'script-'));

afterAll(() => {
  bin(apps.cli, 'modelship-local', ['undeploy', '--all', '--root', join(cwd, '.modelship')], { cwd });
});

describe('the core lifecycle from a TypeScript script', () => {
  it('type-checks strictly against the installed declarations', () => {
    copyFileSync(join(import.meta.dirname, 'app', 'lifecycle.ts'), join(cwd, 'lifecycle.ts'));
    writeStrictTsconfig(cwd, ['lifecycle.ts']);
    const compiled = exec(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd });
    expect(compiled.stdout + compiled.stderr).toBe('');
    expect(compiled.code).toBe(0);
  });

  it('runs register → stages → approval → challenger → rollback', () => {
    const ran = exec(process.execPath, [join('out', 'lifecycle.js')], { cwd, env: { GITHUB_ACTIONS: '' } });
    expect(ran.code, ran.stderr).toBe(0);
    const { outcomes, champions } = JSON.parse(ran.stdout.trim().split('\n').at(-1)!);
    expect(outcomes).toEqual({
      'v1→development': 'promoted',
      'v1→staging': 'promoted',
      'v1→production': 'pending-approval',
      'v1 approved': 'promoted',
      'v2→development': 'promoted',
      'v2→staging': 'promoted',
      'v2→production': 'pending-approval',
      rollback: 'rolled-back',
    });
    expect(champions).toEqual({ development: 'v2', staging: 'v2', production: 'v1' });
  });
});
