// cliSpec, the contract with `modelship-algorithmia`; the spawned bin is exercised end to end by
// the example (train, upload, deploy, tag, status) in example.test.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliSpec } from '../src/cli.js';
import type { AlgorithmiaProvider } from '../src/index.js';
import { ALGO, API_KEY, capturing, providerSettings, type Scene, startScene, USER } from './helpers.js';

let scene: Scene | undefined;
afterEach(() => scene?.cleanup());

describe('cliSpec', () => {
  it('declares the key as a secret read from ALGORITHMIA_API_KEY, and the extra publish command', () => {
    expect(cliSpec.name).toBe('algorithmia');
    expect(cliSpec.options['api-key']).toMatchObject({ env: 'ALGORITHMIA_API_KEY', secret: true });
    expect(cliSpec.options['git-password']).toMatchObject({ secret: true });
    expect(Object.keys(cliSpec.commands ?? {})).toEqual(['publish']);
  });

  it('rejects a bad --version-type and a malformed --test-cases file with what to do', async () => {
    await expect(cliSpec.create({ 'version-type': 'huge' }, {})).rejects.toThrow(
      /--version-type must be major, minor or revision/,
    );
    const file = join(mkdtempSync(join(tmpdir(), 'cli-')), 'cases.json');
    writeFileSync(file, '{"input": 1}');
    await expect(cliSpec.create({ 'test-cases': file }, {})).rejects.toThrow(
      /must be a JSON array of \{ "input": …, "expected": … \}/,
    );
  });

  it('builds a working provider from flags and env, and publish needs refs.algoCommit', async () => {
    scene = await startScene();
    const settings = providerSettings(scene);
    const provider = (await cliSpec.create(
      {
        'api-address': scene.emulator.url,
        username: USER,
        'algo-name': ALGO,
        'algo-repo': settings.algoRepo.url,
        'algorithm-dir': scene.algorithmDir,
        'origin-commit': settings.origin.commit,
      },
      { ALGORITHMIA_API_KEY: API_KEY },
    )) as AlgorithmiaProvider;
    const { context } = capturing();
    const uploaded = await provider.upload(
      { model: { name: 'm', version: 'v1' }, path: scene.modelPath },
      context,
    );
    expect(uploaded.uri).toMatch(new RegExp(`^data://${USER}/${ALGO}/model_`));
    const publish = cliSpec.commands?.publish;
    await expect(
      publish?.run({ provider, positionals: [], values: { model: 'm', version: 'v1' }, context }),
    ).rejects.toThrow(/publish needs refs\.algoCommit/);
    const described = await provider.describe(context);
    expect(JSON.stringify(described)).not.toContain(API_KEY);
  }, 60_000);
});
