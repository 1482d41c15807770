// The ETag of `HEAD /v1/data/...` is not documented as the file's MD5: deploy uses it only as a hint
// and verifies the model by hashing the downloaded bytes against the manifest beside it.
import { ErrorCode, ModelshipError } from '@modelship/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlgorithmiaProvider } from '../src/index.js';
import { ALGO, capturing, providerSettings, type Scene, startScene, USER } from './helpers.js';

let scene: Scene;
beforeEach(async () => {
  scene = await startScene();
});
afterEach(() => scene.cleanup());

const model = { name: 'housing', version: 'v1' };

/** A fetch whose HEAD responses carry `etag` instead of the emulator's (or none when undefined). */
function etagRewriting(etag: string | undefined): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (init?.method !== 'HEAD') return response;
    const headers = new Headers(response.headers);
    if (etag === undefined) headers.delete('etag');
    else headers.set('etag', `"${etag}"`);
    return new Response(null, { status: response.status, headers });
  };
}

async function deployWith(etag: string | undefined, tamper: boolean) {
  const provider = createAlgorithmiaProvider({ ...providerSettings(scene), fetch: etagRewriting(etag) });
  const uploaded = await provider.upload({ model, path: scene.modelPath }, capturing().context);
  if (tamper)
    scene.emulator.data.putFile(
      `${USER}/${ALGO}/${uploaded.uri.split('/').at(-1)}`,
      Buffer.from('evil'),
      new Date(),
    );
  return provider.deploy({ model, stage: 'staging', refs: uploaded.refs }, capturing().context);
}

describe('deploy verifies the model by its bytes, the ETag is only a hint', () => {
  it('deploys when the ETag is an opaque value that is not the MD5 (e.g. a multipart ETag)', async () => {
    const deployed = await deployWith('0123456789abcdef0123456789abcdef', false);
    expect(deployed.status.unified).toBe('deployed');
    expect(scene.emulator.requests.some((r) => r.method === 'GET' && r.path.endsWith('.pkl'))).toBe(true);
  }, 60_000);

  it('deploys without an ETag at all', async () => {
    const deployed = await deployWith(undefined, false);
    expect(deployed.status.unified).toBe('deployed');
  }, 60_000);

  it('refuses a model whose bytes differ from its manifest, naming both digests', async () => {
    const error = await deployWith(undefined, true).catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.Integrity)).toBe(true);
    expect((error as Error).message).toMatch(
      /data:\/\/demo\/housing_price\/model_[0-9a-f]{40}\.pkl has sha256 [0-9a-f]{64} but its manifest says [0-9a-f]{64}; upload the model again/,
    );
    expect(scene.emulator.algorithm(USER, ALGO)?.builds).toHaveLength(0);
  }, 60_000);
});
