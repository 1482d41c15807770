import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject } from './helpers.js';
import { runInProcess } from './in-process.js';

// Input that used to "succeed" at doing nothing: each is now exit 2 naming what, where and what to do.
const project = makeProject();
const run = (args: string[]) => runInProcess(args, { cwd: project.dir });
afterAll(() => project.cleanup());

describe('bad input never passes silently', () => {
  it('ledger verify on a missing directory, a regular file or an empty directory is exit 2 "no ledger at"', async () => {
    writeFileSync(join(project.dir, 'a-file'), 'x');
    mkdirSync(join(project.dir, 'empty'));
    for (const [location, why] of [
      ['missing', 'no such directory'],
      ['a-file', 'it is a file'],
      ['empty', 'the directory holds no ledger events'],
    ] as const) {
      const result = await run(['ledger', 'verify', '--ledger', location]);
      expect(result.code, location).toBe(2);
      expect(result.stderr).toContain(`no ledger at ${join(project.dir, location)} (${why}`);
      expect(result.stdout).not.toContain('hash chain intact');
    }
  });

  it('status and history of an unknown model are exit 2 naming the known models', async () => {
    const model = project.model('one', 2, 0.9);
    expect((await run(['register', 'known', '--path', model.path, '--metrics', model.metrics])).code).toBe(0);
    for (const command of ['status', 'history']) {
      const result = await run([command, 'knwon']);
      expect(result.code, command).toBe(2);
      expect(result.stderr).toContain('unknown model "knwon"');
      expect(result.stderr).toContain('known models: known');
    }
    expect((await run(['status', 'known'])).code).toBe(0);
    expect((await run(['history', 'known'])).code).toBe(0);
  });

  it('register checks the model name and the model directory before uploading anything', async () => {
    const model = project.model('two', 2, 0.9);
    const badName = await run(['register', '../escape', '--path', model.path]);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('model name "../escape" is not allowed');
    mkdirSync(join(project.dir, 'empty-model'));
    const empty = await run(['register', 'm', '--path', 'empty-model']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('is an empty directory');
    const missing = await run(['register', 'm', '--path', 'nowhere']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file or directory');
    const history = await run(['history', 'known', '--json']);
    expect(JSON.parse(history.stdout).events.some((e: { model: string }) => e.model !== 'known')).toBe(false);
  });

  it('init onto a directory or into a missing directory is exit 2 saying which file to name', async () => {
    mkdirSync(join(project.dir, 'confdir'));
    const dir = await run(['init', '--config', 'confdir', '--force']);
    expect(dir.code).toBe(2);
    expect(dir.stderr).toContain('is a directory; name the config file to write');
    const parent = await run(['init', '--config', 'nodir/modelship.config.yaml']);
    expect(parent.code).toBe(2);
    expect(parent.stderr).toContain('does not exist');
  });

  it('manifest verify --root of a missing directory is exit 2, not an integrity failure', async () => {
    const model = project.model('three', 2, 0.9);
    const out = join(project.dir, 'three.manifest.json');
    expect((await run(['manifest', 'create', model.path, '--out', out])).code).toBe(0);
    const result = await run(['manifest', 'verify', out, '--root', 'missing-root']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing-root is not a directory');
  });
});
