import { ErrorCode, ModelshipError } from '@modelship/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlgorithmiaProvider } from '../src/index.js';
import {
  ALGO,
  API_KEY,
  capturing,
  ORIGIN_SHA,
  providerSettings,
  type Scene,
  startScene,
  USER,
} from './helpers.js';

let scene: Scene;
beforeEach(async () => {
  scene = await startScene();
});
afterEach(() => scene.cleanup());

const model = { name: 'housing', version: 'v1' };
const sha = ORIGIN_SHA;

describe('upload to a data collection', () => {
  it('creates the collection (GET, then POST) and PUTs <stem>_<sha><ext> with its manifest beside it', async () => {
    const provider = createAlgorithmiaProvider(providerSettings(scene));
    const result = await provider.upload({ model, path: scene.modelPath }, capturing().context);
    expect(result.uri).toBe(`data://${USER}/${ALGO}/model_${sha}.pkl`);
    expect(result.skipped).toBe(false);
    const calls = scene.emulator.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(calls).toContain(`GET /v1/data/${USER}/${ALGO} 404`);
    expect(calls).toContain(`POST /v1/data/${USER} 200`);
    expect(calls).toContain(`PUT /v1/data/${USER}/${ALGO}/model_${sha}.pkl 200`);
    const stored = scene.emulator.data.get(`${USER}/${ALGO}/model_${sha}.pkl`);
    expect(stored?.kind === 'file' && stored.md5).toBe(result.refs.md5);
    const manifest = scene.emulator.data.get(`${USER}/${ALGO}/model_${sha}.pkl.modelship.json`);
    expect(manifest?.kind).toBe('file');
  });

  it('skips the transfer when the model is there and its stored manifest has the same digest', async () => {
    const provider = createAlgorithmiaProvider(providerSettings(scene));
    await provider.upload({ model, path: scene.modelPath }, capturing().context);
    const before = scene.emulator.requests.length;
    const again = await provider.upload({ model, path: scene.modelPath }, capturing().context);
    expect(again.skipped).toBe(true);
    expect(scene.emulator.requests.slice(before).map((r) => r.method)).toEqual(['HEAD', 'GET']);
  });

  it('maps a rejected key to auth_failed without leaking the key', async () => {
    const provider = createAlgorithmiaProvider({
      ...providerSettings(scene),
      apiKey: 'simtesting-not-a-valid-key',
    });
    const { context, lines } = capturing(['simtesting-not-a-valid-key']);
    const error = await provider.upload({ model, path: scene.modelPath }, context).catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.AuthFailed)).toBe(true);
    expect(String((error as Error).message)).toMatch(/HTTP 401.*ALGORITHMIA_API_KEY/);
    for (const text of [...lines, String((error as Error).message)])
      expect(text).not.toContain('simtesting-not-a-valid-key');
  });

  it('maps HTTP 429 to a retryable throttled error', async () => {
    scene.emulator.injectFault({
      method: 'PUT',
      pathPrefix: '/v1/data/',
      status: 429,
      message: 'rate limit exceeded',
    });
    const provider = createAlgorithmiaProvider(providerSettings(scene));
    const error = await provider
      .upload({ model, path: scene.modelPath }, capturing().context)
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.Throttled)).toBe(true);
    expect((error as ModelshipError).isRetryable).toBe(true);
    expect((error as Error).message).toContain(`data://${USER}/${ALGO}/model_${sha}.pkl`);
  });

  it('needs the origin commit and a file, and says which settings to set', async () => {
    const { originCommit: _commit, ...noOrigin } = providerSettings(scene);
    const provider = createAlgorithmiaProvider({ ...noOrigin, workspace: scene.root });
    const error = await provider
      .upload({ model, path: scene.modelPath }, capturing().context)
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /origin commit is unknown.*settings\.originCommit \(--origin-commit\), GITHUB_SHA/,
    );
    const dirError = await createAlgorithmiaProvider(providerSettings(scene))
      .upload({ model, path: scene.root }, capturing().context)
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(dirError, ErrorCode.InvalidInput)).toBe(true);
  });

  it('resolves the key lazily: option, then ALGORITHMIA_API_KEY, then an error naming both', async () => {
    const { apiKey: _key, ...noKey } = providerSettings(scene);
    const fromEnv = createAlgorithmiaProvider({ ...noKey, env: { ALGORITHMIA_API_KEY: API_KEY } });
    await expect(
      fromEnv.upload({ model, path: scene.modelPath }, capturing().context),
    ).resolves.toMatchObject({ skipped: false });
    const missing = createAlgorithmiaProvider({ ...noKey, env: {} });
    await expect(missing.upload({ model, path: scene.modelPath }, capturing().context)).rejects.toThrow(
      /apiKey is not set; pass settings\.apiKey or set ALGORITHMIA_API_KEY/,
    );
  });

  it('returns the manifest digest as sha256:<hex> and refuses a caller digest that does not match', async () => {
    const provider = createAlgorithmiaProvider(providerSettings(scene));
    const first = await provider.upload({ model, path: scene.modelPath }, capturing().context);
    expect(first.manifestDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const same = await provider.upload(
      { model, path: scene.modelPath, manifestDigest: first.manifestDigest },
      capturing().context,
    );
    expect(same.manifestDigest).toBe(first.manifestDigest);
    const before = scene.emulator.requests.length;
    const wrong = `sha256:${'0'.repeat(64)}`;
    const error = await provider
      .upload({ model, path: scene.modelPath, manifestDigest: wrong }, capturing().context)
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.Integrity)).toBe(true);
    expect((error as Error).message).toContain(
      `hashes to ${first.manifestDigest} but the caller stamped ${wrong}`,
    );
    expect(scene.emulator.requests.slice(before)).toEqual([]);
  });
});
