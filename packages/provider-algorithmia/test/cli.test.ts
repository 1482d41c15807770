// cliSpec, the contract with `modelship-algorithmia`; the spawned bin is exercised end to end by
// the example (train, upload, deploy, tag, status) in example.test.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSettings } from '@modelship/core/provider-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { cliSpec } from '../src/cli.js';
import { type AlgorithmiaProvider, settingsSchema } from '../src/index.js';
import { ALGO, API_KEY, capturing, providerSettings, type Scene, startScene, USER } from './helpers.js';

let scene: Scene | undefined;
afterEach(() => scene?.cleanup());

/** What `modelship-algorithmia` does with its flags and environment: resolve, then create. */
async function fromFlags(flags: Record<string, unknown>, env: Record<string, string | undefined> = {}) {
  const settings = resolveSettings(await cliSpec.settingsSchema(), {
    provider: 'algorithmia',
    fields: cliSpec.settings,
    flags,
    env,
  });
  return (await cliSpec.createProvider(settings, { env, cwd: process.cwd() })) as AlgorithmiaProvider;
}

describe('cliSpec', () => {
  it('flags come from the flat settings schema: secrets read from the environment, the publish command', () => {
    expect(cliSpec.name).toBe('algorithmia');
    expect(Object.keys(cliSpec.settings).sort()).toEqual(Object.keys(settingsSchema.shape).sort());
    expect(cliSpec.settings.apiKey).toMatchObject({ env: 'ALGORITHMIA_API_KEY', secret: true });
    expect(cliSpec.settings.gitPassword).toMatchObject({ env: 'ALGORITHMIA_GIT_PASSWORD', secret: true });
    expect(Object.keys(cliSpec.commands ?? {})).toEqual(['publish']);
  });

  it('a config key and its flag resolve the same; an unknown or secret config key is refused', async () => {
    const schema = await cliSpec.settingsSchema();
    const resolve = (sources: { flags?: Record<string, unknown>; config?: Record<string, unknown> }) =>
      resolveSettings(schema, {
        provider: 'algorithmia',
        fields: cliSpec.settings,
        env: {},
        flags: sources.flags,
        config: sources.config && { settings: sources.config, path: 'modelship.config.yaml' },
      });
    const flags = {
      'algo-repo': 'file:///r.git',
      'publish-stage': 'staging,production',
      'build-timeout-ms': '5',
    };
    const config = { algoRepo: 'file:///r.git', publishStages: ['staging', 'production'], buildTimeoutMs: 5 };
    expect(resolve({ flags })).toEqual(config);
    expect(resolve({ config })).toEqual(config);
    expect(() => resolve({ config: { algoRepo: { url: 'x' } } })).toThrow(/algoRepo: Invalid input/);
    expect(() => resolve({ config: { notebookPath: 'x.ipynb' } })).toThrow(
      /providers\.algorithmia\.notebookPath is not a algorithmia setting; known: .*notebook,/,
    );
    expect(() => resolve({ config: { gitPassword: 'p' } })).toThrow(/ALGORITHMIA_GIT_PASSWORD/);
  });

  it('rejects a bad --version-type and a malformed --test-cases file with what to do', async () => {
    await expect(fromFlags({ 'version-type': 'huge' })).rejects.toThrow(/--version-type: Invalid option/);
    const file = join(mkdtempSync(join(tmpdir(), 'cli-')), 'cases.json');
    writeFileSync(file, '{"input": 1}');
    const provider = await fromFlags(
      { 'test-cases': file, username: USER, 'algo-name': ALGO },
      {
        ALGORITHMIA_API_KEY: API_KEY,
      },
    );
    await expect(provider.describe(capturing().context)).rejects.toThrow(
      /must be a JSON array of \{ "input": …, "expected": … \}/,
    );
  });

  it('builds a working provider from flags and env, and publish needs refs.algoCommit', async () => {
    scene = await startScene();
    const settings = providerSettings(scene);
    const provider = await fromFlags(
      {
        'api-address': scene.emulator.url,
        username: USER,
        'algo-name': ALGO,
        'algo-repo': settings.algoRepo,
        'algorithm-dir': scene.algorithmDir,
        'origin-commit': settings.originCommit,
      },
      { ALGORITHMIA_API_KEY: API_KEY },
    );
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
