// The inference side: a model stamped with the installed `modelship-manifest` bin is checked in one
// line by `assertModel` (Node, an app with @modelship/manifest alone) and by the wheel's
// `verify_model` (Python, a fresh virtual environment); both refuse the model once a byte changes.
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { runWheelTests } from '../check-wheel.mjs';
import { bin, exec, linearModel } from './helpers.js';

const { apps, venvPython, work } = inject('install');
const cwd = mkdtempSync(join(apps.verify, 'image-'));
mkdirSync(join(cwd, 'model'));
writeFileSync(join(cwd, 'model', 'model.json'), linearModel(2));
writeFileSync(join(cwd, 'model', 'weights.bin'), Buffer.alloc(4096, 7));
const manifest = join('model', 'modelship.manifest.json');

const node = () =>
  exec(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { assertModel } from '@modelship/manifest/verify'; await assertModel(${JSON.stringify(manifest)}); console.log('ok');`,
    ],
    { cwd },
  );
const python = () =>
  exec(
    venvPython,
    [
      '-c',
      `from modelship_manifest import verify_model; verify_model(${JSON.stringify(manifest)}); print("ok")`,
    ],
    {
      cwd,
      env: { PYTHONPATH: '' },
    },
  );

describe('verifying a model where it is served', () => {
  it('modelship-manifest create stamps it; assertModel and verify_model accept it', () => {
    const created = bin(apps.verify, 'modelship-manifest', ['create', 'model', '--out', manifest], { cwd });
    expect(created.code, created.stderr).toBe(0);
    expect(node()).toMatchObject({ code: 0, stdout: 'ok\n' });
    expect(python()).toMatchObject({ code: 0, stdout: 'ok\n' });
  });

  it('one changed byte: both refuse to load it, naming the file', () => {
    appendFileSync(join(cwd, 'model', 'weights.bin'), Buffer.from([1]));
    const inNode = node();
    expect(inNode.code).not.toBe(0);
    expect(inNode.stderr).toMatch(/ModelIntegrityError[\s\S]*weights\.bin/);
    const inPython = python();
    expect(inPython.code).not.toBe(0);
    expect(inPython.stderr).toMatch(/ModelIntegrityError[\s\S]*weights\.bin/);
  });

  it('the wheel passes the shared vectors and its own installed-package checks', async () => {
    const status = await runWheelTests(venvPython, { cwd: work });
    expect(status, 'pytest against the installed wheel failed (its output is above)').toBe(0);
  });
});
