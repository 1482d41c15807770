// deploy/tag/publish: the push to the algorithm repository, the build of that commit, test cases
// against it, and publishing — against the emulator and a real bare git repository.
import { execFile, execFileSync } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ErrorCode, ModelshipError } from '@modelship/core';
import { algorithmiaManifestSchema } from '@modelship/manifest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitForBuild } from '../src/build.js';
import type { AlgorithmiaDeps, ManagementApi } from '../src/client.js';
import { type AlgorithmiaProviderSettings, createAlgorithmiaProvider } from '../src/index.js';
import {
  ALGO,
  capturing,
  fixturesDir,
  ORIGIN_SHA,
  providerSettings,
  type Scene,
  startScene,
  USER,
} from './helpers.js';

const exec = promisify(execFile);
let scene: Scene;
afterEach(() => scene?.cleanup());

const model = { name: 'housing', version: 'v7' };

function repoFile(path: string): string {
  return execFileSync('git', ['--git-dir', scene.repoDir, 'show', `master:${path}`], { encoding: 'utf8' });
}

function commitCount(): number {
  return Number(
    execFileSync('git', ['--git-dir', scene.repoDir, 'rev-list', '--count', 'master'], { encoding: 'utf8' }),
  );
}

/** Seeds the algorithm repo with the action template's manifest plus a key only its readers know. */
async function seedRepo(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'seed-'));
  execFileSync('git', ['clone', '--quiet', scene.repoDir, work], { stdio: 'ignore' });
  const template = JSON.parse(readFileSync(join(fixturesDir, 'template-model_manifest.json'), 'utf8'));
  writeFileSync(join(work, 'model_manifest.json'), JSON.stringify({ ...template, team_notes: 'keep me' }));
  const git = (...args: string[]) => execFileSync('git', ['-C', work, ...args]);
  git('checkout', '--quiet', '-B', 'master');
  git('add', '.');
  git('-c', 'user.name=seed', '-c', 'user.email=seed@example.com', 'commit', '--quiet', '-m', 'template');
  // Async: the push hook calls back into the emulator living in this process.
  await exec('git', ['-C', work, 'push', '--quiet', 'origin', 'master']);
}

async function uploaded(settings: AlgorithmiaProviderSettings) {
  const provider = createAlgorithmiaProvider(settings);
  const result = await provider.upload({ model, path: scene.modelPath }, capturing().context);
  return { provider, refs: result.refs };
}

describe('deploy', () => {
  beforeEach(async () => {
    scene = await startScene();
  });

  it('pushes code and the 7-key manifest (other keys kept), waits for that build, runs test cases', async () => {
    await seedRepo();
    const settings = {
      ...providerSettings(scene),
      testCases: [
        {
          input: { rooms: 6 },
          expected: { input: { rooms: 6 }, model: `${USER}/${ALGO}/model_${ORIGIN_SHA}.pkl` },
        },
      ],
    };
    const { provider, refs } = await uploaded(settings);
    const result = await provider.deploy({ model, stage: 'staging', refs }, capturing().context);
    expect(result.status.unified).toBe('deployed');
    expect(result.endpoint).toBe(`${scene.emulator.url}/v1/algo/${USER}/${ALGO}/${result.refs.algoCommit}`);
    expect(result.refs.testCases).toBe('1');

    const manifest = algorithmiaManifestSchema.parse(JSON.parse(repoFile('model_manifest.json')));
    expect(manifest).toMatchObject({
      model_filepath: `${USER}/${ALGO}/model_${ORIGIN_SHA}.pkl`,
      model_md5_hash: refs.md5,
      model_origin_commit_SHA: ORIGIN_SHA,
      model_origin_commit_msg: 'retrain on more data',
      model_origin_repo: 'acme/housing',
      model_origin_ref: 'refs/heads/master',
      team_notes: 'keep me',
    });
    expect(manifest.model_uploaded_utc).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(repoFile(`src/${ALGO}.py`)).toContain('def apply');
    const message = execFileSync('git', ['--git-dir', scene.repoDir, 'log', '-1', '--format=%B', 'master'], {
      encoding: 'utf8',
    });
    expect(message).toContain(`acme/housing@${ORIGIN_SHA}`);
    expect(message).toContain('Modelship-Version: v7');
    const build = scene.emulator.algorithm(USER, ALGO)?.builds.at(-1);
    expect(build).toMatchObject({ commit_sha: result.refs.algoCommit, status: 'succeeded' });

    const commits = commitCount();
    const again = await provider.deploy({ model, stage: 'staging', refs }, capturing().context);
    expect(again.refs.algoCommit).toBe(result.refs.algoCommit);
    expect(commitCount()).toBe(commits);
  }, 60_000);

  it('publishes on production with details.label = the modelship version, once', async () => {
    const { provider, refs } = await uploaded(providerSettings(scene));
    const result = await provider.deploy({ model, stage: 'production', refs }, capturing().context);
    expect(result.refs.semanticVersion).toBe('0.1.0');
    expect(result.endpoint).toBe(`${scene.emulator.url}/v1/algo/${USER}/${ALGO}/0.1.0`);
    const versions = scene.emulator.algorithm(USER, ALGO)?.versions ?? [];
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({
      git_hash: result.refs.algoCommit,
      version_type: 'minor',
      details: { label: 'v7' },
    });
    const retried = await provider.deploy({ model, stage: 'production', refs }, capturing().context);
    expect(retried.refs.semanticVersion).toBe('0.1.0');
    expect(scene.emulator.algorithm(USER, ALGO)?.versions).toHaveLength(1);
    const status = await provider.status(
      { model, stage: 'production', refs: retried.refs },
      capturing().context,
    );
    expect(status.status.unified).toBe('deployed');
  }, 60_000);

  it('fails with the build log when the build of the pushed commit fails', async () => {
    writeFileSync(join(scene.algorithmDir, 'src', `${ALGO}.py`), 'def apply(input:\n    return input\n');
    const { provider, refs } = await uploaded(providerSettings(scene));
    const error = await provider
      .deploy({ model, stage: 'production', refs }, capturing().context)
      .catch((e: unknown) => e);
    expect(ModelshipError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/build .* failed; fix the algorithm code[\s\S]*SyntaxError/);
    expect(scene.emulator.algorithm(USER, ALGO)?.versions).toHaveLength(0);
    expect(scene.emulator.requests.some((r) => r.path.endsWith('/logs'))).toBe(true);
  }, 60_000);

  it('does not publish when a test case disagrees', async () => {
    const settings = { ...providerSettings(scene), testCases: [{ input: 1, expected: { input: 2 } }] };
    const { provider, refs } = await uploaded(settings);
    const error = await provider
      .deploy({ model, stage: 'production', refs }, capturing().context)
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.GateFailed)).toBe(true);
    expect((error as Error).message).toMatch(/test case 0 .* expected \{"input":2\}, got \{"input":1,/);
    expect(scene.emulator.algorithm(USER, ALGO)?.versions).toHaveLength(0);
  }, 60_000);

  it('tag labels the algorithm with the version and tag; publish publishes the tagged commit', async () => {
    const { provider, refs } = await uploaded(providerSettings(scene));
    const tagged = await provider.tag(
      { model, stage: 'staging', tag: 'challenger', refs },
      capturing().context,
    );
    const algorithm = scene.emulator.algorithm(USER, ALGO);
    expect(algorithm?.details.label).toBe('v7 challenger');
    // The PUT carried the required settings as they were, and kept the other details.
    expect(algorithm?.settings).toMatchObject({
      network_access: 'full',
      license: 'apl',
      pipeline_enabled: true,
    });
    expect(algorithm?.details.summary).toBe('');
    expect(scene.emulator.requests).toContainEqual({
      method: 'PUT',
      path: `/v1/algorithms/${USER}/${ALGO}`,
      status: 200,
    });
    const published = await provider.publish({ model, refs: tagged.refs }, capturing().context);
    expect(published.refs.semanticVersion).toBe('0.1.0');
    expect(scene.emulator.algorithm(USER, ALGO)?.versions[0]?.git_hash).toBe(tagged.refs.algoCommit);
  }, 60_000);

  it('times out clearly when no build of the commit appears', async () => {
    const { provider, refs } = await uploaded({ ...providerSettings(scene), buildTimeoutMs: 300 });
    // A repository the emulator does not watch: the push succeeds but starts no build.
    const unwatched = join(scene.root, 'unwatched.git');
    execFileSync('git', ['init', '--quiet', '--bare', unwatched]);
    const quiet = createAlgorithmiaProvider({
      ...providerSettings(scene),
      buildTimeoutMs: 300,
      algoRepo: unwatched,
    });
    const error = await quiet
      .deploy({ model, stage: 'staging', refs }, capturing().context)
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.Timeout)).toBe(true);
    expect((error as Error).message).toMatch(
      /the Algorithmia build of commit [0-9a-f]{40} did not finish within 300 ms \(last: no build seen\); check the algorithm's builds/,
    );
    expect(provider.name).toBe('algorithmia');
  }, 60_000);
});

describe('algorithm repository credentials', () => {
  beforeEach(async () => {
    scene = await startScene();
  });

  it('never shows the git password or the API key when the clone fails', async () => {
    const password = 'gitP4ssw0rd-very-secret';
    const settings = {
      ...providerSettings(scene),
      algoRepo: `http://${USER}:${password}@127.0.0.1:9/git/${USER}/${ALGO}.git`,
      gitUsername: USER,
      gitPassword: password,
    };
    const { provider, refs } = await uploaded(settings);
    const { context, lines } = capturing();
    const error = await provider.deploy({ model, stage: 'staging', refs }, context).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /cannot clone the algorithm repository http:\/\/demo:\*\*\*@127\.0\.0\.1:9/,
    );
    for (const text of [
      ...lines,
      (error as Error).message,
      JSON.stringify((error as ModelshipError).details),
    ]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(settings.apiKey);
    }
  }, 60_000);
});

describe('waiting for a build', () => {
  it('leaves no abort listener behind however many times it polls', async () => {
    let polls = 0;
    const api = {
      builds: async () => [
        { build_id: 'b1', commit_sha: 'c1', status: ++polls < 50 ? 'in-progress' : 'succeeded' },
      ],
    } as unknown as ManagementApi;
    const { context } = capturing();
    const deps = { settings: { pollIntervalMs: 1 }, api, context } as unknown as AlgorithmiaDeps;
    await expect(waitForBuild(deps, 'c1')).resolves.toMatchObject({ status: 'succeeded' });
    expect(polls).toBe(50);
    expect(getEventListeners(context.signal, 'abort')).toHaveLength(0);
  });
});
