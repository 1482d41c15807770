import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { providerNames } from '../src/wrapper.js';
import { cli, makeProject, stopServers, useProject } from './helpers.js';

const project = useProject();
const root = join(project.dir, '.modelship');
const local = (args: string[]) =>
  cli(['--root', root, ...args], { cwd: project.dir, bin: 'modelship-local' });

describe('modelship-local: the contract verbs through the generic wrapper', () => {
  it('upload, train, tag, deploy and status, with --json', async () => {
    const model = project.model('w', 4, 0.9);
    const upload = await local(['upload', model.path, '--model', 'w', '--json']);
    expect(upload.code, upload.stderr).toBe(0);
    const uploaded = JSON.parse(upload.stdout);
    expect(uploaded).toMatchObject({ skipped: false, manifestDigest: expect.stringMatching(/^sha256:/) });
    const again = JSON.parse((await local(['upload', model.path, '--model', 'w', '--json'])).stdout);
    expect(again.skipped).toBe(true);

    const script =
      "require('fs').writeFileSync(process.env.MODELSHIP_METRICS_FILE, JSON.stringify({ r2: 0.5 })); require('fs').writeFileSync(process.env.MODELSHIP_MODEL_DIR + '/model.json', '{}'); console.log('trained', process.env.MODELSHIP_PARAMS)";
    const train = await local([
      ...'train --model w --param epochs=3 --'.split(' '),
      process.execPath,
      '-e',
      script,
    ]);
    expect(train.code, train.stderr).toBe(0);
    expect(train.stdout).toMatch(/train: run \S+, status succeeded \(exited 0\), metrics \{"r2":0\.5\}/);
    expect(train.stderr).toContain('trained {"epochs":3}');

    const tag = await local('tag --model w --version v1 --stage staging --tag champion'.split(' '));
    expect(tag.code, tag.stderr).toBe(0);
    expect(tag.stdout).toContain('ref alias=w@staging:champion');

    const deploy = await local([
      'deploy',
      '--model',
      'w',
      '--version',
      'v1',
      '--stage',
      'staging',
      '--ref',
      `artifactDir=${uploaded.refs.artifactDir}`,
      '--json',
    ]);
    expect(deploy.code, deploy.stderr).toBe(0);
    const endpoint = JSON.parse(deploy.stdout).endpoint as string;
    const predicted = await fetch(`${endpoint}/predict`, { method: 'POST', body: '{"instances":[[2]]}' });
    expect(await predicted.json()).toMatchObject({ predictions: [8] });

    const status = await local(['status', '--model', 'w', '--stage', 'staging']);
    expect(status.stdout).toContain('status deployed (serving)');
  });

  it('usage errors exit 2 and --help lists the verbs, the extras and the exit codes', async () => {
    const missing = await local(['deploy', '--model', 'w']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--version is required');
    const help = await cli(['--help'], { cwd: project.dir, bin: 'modelship-local' });
    for (const word of [
      'upload',
      'train',
      'tag',
      'deploy',
      'status',
      'serve',
      'rollback',
      'undeploy',
      'MODELSHIP_LOCAL_ROOT',
      '3  lost a concurrent race',
    ]) {
      expect(help.stdout).toContain(word);
    }
  });
});

describe('provider settings from modelship.config', () => {
  it('a wrapper reads providers.<name> from the config file, and a flag still wins', async () => {
    const configured = makeProject('stages: [staging]\nproviders:\n  local:\n    root: ./configured-store\n');
    try {
      const model = configured.model('c', 2, 0.9);
      const upload = await cli(['upload', model.path, '--model', 'c', '--json'], {
        cwd: configured.dir,
        bin: 'modelship-local',
      });
      expect(upload.code, upload.stderr).toBe(0);
      expect(existsSync(join(configured.dir, 'configured-store', 'artifacts'))).toBe(true);
      expect(existsSync(join(configured.dir, '.modelship'))).toBe(false);

      const flagged = await cli(
        ['upload', model.path, '--model', 'c', '--root', join(configured.dir, 'flag-store')],
        {
          cwd: configured.dir,
          bin: 'modelship-local',
        },
      );
      expect(flagged.code, flagged.stderr).toBe(0);
      expect(existsSync(join(configured.dir, 'flag-store', 'artifacts'))).toBe(true);
    } finally {
      configured.cleanup();
    }
  });
});

describe('one settings schema: modelship and modelship-local read the same keys', () => {
  it('providers.local.startTimeoutMs in the config is honoured, and the environment wins over the config', async () => {
    const configured = makeProject(
      'stages: [staging]\nproviders:\n  local:\n    startTimeoutMs: 1\n    root: ./from-config\n',
    );
    try {
      const model = configured.model('t', 2, 0.9);
      const env = { MODELSHIP_LOCAL_ROOT: join(configured.dir, 'from-env') };
      const upload = await cli(['upload', model.path, '--model', 't', '--json'], {
        cwd: configured.dir,
        env,
        bin: 'modelship-local',
      });
      expect(upload.code, upload.stderr).toBe(0);
      const { refs } = JSON.parse(upload.stdout);
      expect(refs.artifactDir.startsWith(join(configured.dir, 'from-env'))).toBe(true);
      const deploy = await cli(
        [
          'deploy',
          '--model',
          't',
          '--version',
          'v1',
          '--stage',
          'staging',
          '--ref',
          `artifactDir=${refs.artifactDir}`,
        ],
        { cwd: configured.dir, env, bin: 'modelship-local' },
      );
      expect(deploy.code).toBe(1);
      expect(deploy.stderr).toContain('did not finish within 1 ms');
    } finally {
      await stopServers(configured.dir);
      configured.cleanup();
    }
  });

  it('an unknown key under providers.local is an error naming it and the known keys, in both CLIs', async () => {
    const configured = makeProject('stages: [staging]\nproviders:\n  local:\n    start-timeout-ms: 1\n');
    try {
      const model = configured.model('u', 2, 0.9);
      const known =
        'providers.local.start-timeout-ms is not a local setting; known: root, host, startTimeoutMs, train';
      const wrapper = await cli(['upload', model.path, '--model', 'u'], {
        cwd: configured.dir,
        bin: 'modelship-local',
      });
      expect(wrapper.code).toBe(2);
      expect(wrapper.stderr).toContain(known);
      const main = await cli(['upload', 'u', '--path', model.path], { cwd: configured.dir });
      expect(main.code).toBe(2);
      expect(main.stderr).toContain(known);
    } finally {
      configured.cleanup();
    }
  });

  it('--help is generated from the settings: each flag with its environment variable and config key', async () => {
    const help = await cli(['--help'], { cwd: project.dir, bin: 'modelship-local' });
    expect(help.stdout).toMatch(/--start-timeout-ms N +how long a server may take/);
    expect(help.stdout).toContain('(env MODELSHIP_LOCAL_START_TIMEOUT_MS; config startTimeoutMs)');
    expect(help.stdout).toContain('(env MODELSHIP_LOCAL_ROOT; config root)');
  });
});

describe('the other provider wrappers', () => {
  const require = createRequire(import.meta.url);
  for (const name of providerNames.filter((n) => n !== 'local')) {
    // A provider package that does not export ./cli yet must say so plainly (exit 2), never fake it.
    const manifest = JSON.parse(
      readFileSync(require.resolve(`@modelship/provider-${name}/package.json`), 'utf8'),
    );
    const hasCli =
      Boolean(manifest.exports?.['./cli']) &&
      existsSync(join(require.resolve(`@modelship/provider-${name}/package.json`), '..', 'dist', 'cli.js'));
    it(`modelship-${name} ${hasCli ? 'shows its verbs' : 'says its CLI is not available yet (exit 2)'}`, async () => {
      const help = await cli(['--help'], { cwd: project.dir, bin: `modelship-${name}` });
      if (hasCli) {
        expect(help.code, help.stderr).toBe(0);
        for (const verb of ['upload', 'train', 'tag', 'deploy', 'status'])
          expect(help.stdout).toContain(verb);
      } else {
        expect(help.code).toBe(2);
        expect(help.stderr).toContain(`the ${name} provider's command line is not available`);
      }
    });
  }
});

describe('modelship init and modelship manifest', () => {
  it('init writes a config that core accepts, and refuses to overwrite without --force', async () => {
    const dir = makeProject('');
    const init = await cli(['init', '--config', 'fresh.yaml'], { cwd: dir.dir });
    expect(init.code, init.stderr).toBe(0);
    const { loadConfig } = await import('@modelship/core');
    expect((await loadConfig(join(dir.dir, 'fresh.yaml'))).config.stages).toEqual([
      'development',
      'staging',
      'production',
    ]);
    expect((await cli(['init', '--config', 'fresh.yaml'], { cwd: dir.dir })).code).toBe(2);
    expect((await cli(['status', '--config', 'fresh.yaml'], { cwd: dir.dir })).code).toBe(0);
    dir.cleanup();
  });

  it('manifest create and verify are the manifest package commands (0 verified, 1 tampered)', async () => {
    const model = project.model('man', 1, 0.5);
    expect((await cli(['manifest', 'create', model.path], { cwd: project.dir })).code).toBe(0);
    const verified = await cli(['manifest', 'verify', join(model.path, 'modelship.manifest.json')], {
      cwd: project.dir,
    });
    expect(verified.code, verified.stderr).toBe(0);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(model.path, 'model.json'), '{"tampered":true}');
    const tampered = await cli(['manifest', 'verify', join(model.path, 'modelship.manifest.json')], {
      cwd: project.dir,
    });
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toMatch(
      /model\.json: size \d+ bytes, manifest says \d+|expected [0-9a-f]+, actual [0-9a-f]+/,
    );
  });
});
