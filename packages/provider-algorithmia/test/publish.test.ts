// Publishing exactly what was asked for: Algorithmia publishes only the latest build, so a publish
// of an older version's commit must be refused, and a version that came back with other code must
// not be reported as a success. Emulator + real bare git repository.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ErrorCode, ModelshipError } from '@modelship/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlgorithmiaProvider } from '../src/index.js';
import { ALGO, capturing, providerSettings, type Scene, startScene, USER } from './helpers.js';

const exec = promisify(execFile);
let scene: Scene;
beforeEach(async () => {
  scene = await startScene();
});
afterEach(() => scene.cleanup());

const SHA_V1 = '1111111111111111111111111111111111111111';
const SHA_V2 = '2222222222222222222222222222222222222222';

/** Uploads a model for `version` (its own origin commit, its own bytes) and stages it: push + build. */
async function stage(version: string, originSha: string) {
  writeFileSync(scene.modelPath, `model bytes of ${version}`);
  const provider = createAlgorithmiaProvider({
    ...providerSettings(scene),
    originCommit: originSha,
    originRepository: 'acme/housing',
  });
  const model = { name: 'housing', version };
  const uploaded = await provider.upload({ model, path: scene.modelPath }, capturing().context);
  const staged = await provider.deploy({ model, stage: 'staging', refs: uploaded.refs }, capturing().context);
  return { provider, refs: staged.refs };
}

const versions = () => scene.emulator.algorithm(USER, ALGO)?.versions ?? [];

describe('publish publishes exactly the commit it was asked for', () => {
  it('refuses to publish v1 once v2 is the latest build, and names both commits', async () => {
    const v1 = await stage('v1', SHA_V1);
    const v2 = await stage('v2', SHA_V2);
    expect(v1.refs.algoCommit).not.toBe(v2.refs.algoCommit);

    const error = await v1.provider
      .publish({ model: { name: 'housing', version: 'v1' }, refs: v1.refs }, capturing().context)
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.Conflict)).toBe(true);
    expect((error as Error).message).toContain(
      `latest build of ${USER}/${ALGO} is commit ${v2.refs.algoCommit}`,
    );
    expect((error as Error).message).toContain(`not ${v1.refs.algoCommit}`);
    expect((error as Error).message).toMatch(/deploy --model housing --version v1 --stage production/);
    expect(versions()).toHaveLength(0);

    const published = await v2.provider.publish(
      { model: { name: 'housing', version: 'v2' }, refs: v2.refs },
      capturing().context,
    );
    expect(published.refs.semanticVersion).toBe('0.1.0');
    expect(versions()[0]).toMatchObject({ git_hash: v2.refs.algoCommit, details: { label: 'v2' } });
  }, 90_000);

  it('fails when the version the API returns carries another commit (a push landed in between)', async () => {
    const v1 = await stage('v1', SHA_V1);
    let raced = false;
    // Just before the POST, someone pushes a new commit and it builds: the API publishes that one.
    const racingFetch: typeof fetch = async (input, init) => {
      const url = String(input);
      if (!raced && init?.method === 'POST' && url.endsWith('/versions')) {
        raced = true;
        const work = join(scene.root, 'racer');
        await exec('git', ['clone', '--quiet', scene.repoDir, work]);
        writeFileSync(join(work, 'README.md'), 'someone else');
        await exec('git', ['-C', work, 'add', '.']);
        await exec('git', ['-C', work, '-c', 'user.name=r', '-c', 'user.email=r@x', 'commit', '-qm', 'race']);
        await exec('git', ['-C', work, 'push', '--quiet', 'origin', 'HEAD:master']);
        const algorithm = scene.emulator.algorithm(USER, ALGO);
        while (algorithm?.builds.at(-1)?.status !== 'succeeded') await new Promise((r) => setTimeout(r, 20));
      }
      return fetch(input, init);
    };
    const provider = createAlgorithmiaProvider({ ...providerSettings(scene), fetch: racingFetch });
    const error = await provider
      .publish({ model: { name: 'housing', version: 'v1' }, refs: v1.refs }, capturing().context)
      .catch((e: unknown) => e);
    expect(raced).toBe(true);
    expect(ModelshipError.hasCode(error, ErrorCode.Integrity)).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(`published 0\\.1\\.0 from commit [0-9a-f]{40}, not ${v1.refs.algoCommit}`),
    );
  }, 90_000);
});
