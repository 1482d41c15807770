// The seed's workflow (Algorithmia's "Deploy to Algorithmia" action on its template repository)
// replayed step by step through spawned `modelship-algorithmia` processes, each outcome read back
// independently: from the bare algorithm repository with git, and from the emulator's state.
// Needs dist (`npm run build`, which `npm test` does first). Real nbconvert, real git.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALGO, API_KEY, jupyter, repoRoot, type Scene, startScene, USER } from './helpers.js';

const exec = promisify(execFile);
const bin = join(repoRoot, 'packages', 'cli', 'bin', 'modelship-algorithmia.js');
const built =
  existsSync(join(repoRoot, 'packages', 'cli', 'dist', 'wrapper.js')) &&
  existsSync(join(repoRoot, 'packages', 'provider-algorithmia', 'dist', 'cli.js'));

let scene: Scene;
let ml: string;

interface CliResult {
  code: number;
  json: Record<string, unknown> & {
    refs?: Record<string, string>;
    error?: { message: string; code: string };
  };
}

/** One `modelship-algorithmia` process, asynchronous: the emulator lives in this process. */
async function cli(...args: string[]): Promise<CliResult> {
  const common = [
    ...['--api-address', scene.emulator.url, '--username', USER, '--algo-name', ALGO],
    ...['--algo-repo', `file://${scene.repoDir}`, '--algorithm-dir', scene.algorithmDir],
    ...['--workspace', ml, '--build-timeout-ms', '60000', '--json'],
  ];
  const env = { ...process.env, ALGORITHMIA_API_KEY: API_KEY, GITHUB_ACTIONS: '', GITHUB_SHA: '' };
  const result = await exec(process.execPath, [bin, ...args, ...common], { cwd: ml, env }).then(
    (r) => ({ ...r, code: 0 }),
    (e: { stdout?: string; stderr?: string; code?: number }) => ({
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
      code: e.code ?? -1,
    }),
  );
  expect(`${result.stdout}${result.stderr}`).not.toContain(API_KEY);
  return { code: result.code, json: JSON.parse(result.stdout) };
}

const git = (...args: string[]) => exec('git', ['-C', ml, ...args]).then((r) => r.stdout.trim());
const algoRepo = (...args: string[]) =>
  exec('git', ['--git-dir', scene.repoDir, ...args]).then((r) => r.stdout.trim());

/** The seed's notebook, reduced: it writes model.pkl and metrics.json, or fails in a cell. */
function writeNotebook(modelText: string | null): void {
  const source =
    modelText === null
      ? 'rows = []\nmean = sum(rows) / len(rows)  # no data arrived'
      : `import json\nopen('model.pkl', 'w').write(${JSON.stringify(modelText)})\njson.dump({'r2': 0.7}, open('metrics.json', 'w'))`;
  const cell = { cell_type: 'code', id: 'c0', metadata: {}, execution_count: null, outputs: [], source };
  const kernelspec = { name: 'python3', display_name: 'Python 3', language: 'python' };
  const doc = { cells: [cell], metadata: { kernelspec }, nbformat: 4, nbformat_minor: 5 };
  writeFileSync(join(ml, 'model_training.ipynb'), JSON.stringify(doc));
}

async function commitMl(message: string): Promise<string> {
  await git('add', '--all');
  await git('-c', 'user.name=ds', '-c', 'user.email=ds@example.com', 'commit', '--quiet', '-m', message);
  return git('rev-parse', 'HEAD');
}

const train = () =>
  cli(
    'train',
    '--model',
    'housing',
    '--notebook',
    'model_training.ipynb',
    '--model-path',
    'model.pkl',
    '--jupyter',
    jupyter,
  );

/** The workflow: train → upload → staging deploy with test cases; stops at the first failure. */
async function pipeline(version: string, originSha: string) {
  const trained = await train();
  if (trained.code !== 0) return { trained };
  const uploaded = await cli('upload', 'model.pkl', '--model', 'housing', '--version', version);
  const model = `${USER}/${ALGO}/model_${originSha}.pkl`;
  const cases = [{ input: { rooms: 6 }, expected: { input: { rooms: 6 }, model } }];
  writeFileSync(join(ml, `cases-${version}.json`), JSON.stringify(cases));
  const staged = await cli(
    ...['deploy', '--model', 'housing', '--version', version, '--stage', 'staging'],
    ...['--test-cases', `cases-${version}.json`, '--ref', `dataPath=${uploaded.json.refs?.dataPath}`],
  );
  return { trained, uploaded, staged };
}

beforeAll(async () => {
  scene = await startScene();
  ml = join(scene.root, 'ml-repo');
  mkdirSync(ml);
  await git('init', '--quiet', '--initial-branch=master');
  await git('remote', 'add', 'origin', 'https://github.com/acme/housing-model.git');
});
afterAll(() => scene?.cleanup());

describe.skipIf(!built)('the seed workflow through modelship-algorithmia', () => {
  it('a failing notebook stops the workflow: nothing uploaded, nothing pushed', async () => {
    writeNotebook(null);
    await commitMl('broken training');
    const { trained, uploaded } = await pipeline('v0', '');
    expect(trained.code).not.toBe(0);
    expect(trained.json.error?.message).toMatch(/ZeroDivisionError/);
    expect(uploaded).toBeUndefined();
    expect(scene.emulator.data.list(USER).folders).toEqual([]);
    await expect(algoRepo('rev-parse', '--verify', '--quiet', 'master')).rejects.toThrow();
  }, 120_000);

  it('uploads <stem>_<sha><ext>, pushes the 7-key manifest, awaits that build, runs the test cases', async () => {
    writeNotebook('weights v1');
    const sha = await commitMl('train v1');
    const { uploaded, staged } = await pipeline('v1', sha);
    expect(uploaded?.json.uri).toBe(`data://${USER}/${ALGO}/model_${sha}.pkl`);
    const stored = scene.emulator.data.get(`${USER}/${ALGO}/model_${sha}.pkl`);
    expect(stored?.kind === 'file' && stored.bytes.toString()).toBe('weights v1');

    expect(staged?.code).toBe(0);
    const commit = staged?.json.refs?.algoCommit;
    expect(await algoRepo('rev-parse', 'master')).toBe(commit);
    const manifest = JSON.parse(await algoRepo('show', 'master:model_manifest.json'));
    expect(Object.keys(manifest).sort()).toEqual([
      'model_filepath',
      'model_md5_hash',
      'model_origin_commit_SHA',
      'model_origin_commit_msg',
      'model_origin_ref',
      'model_origin_repo',
      'model_uploaded_utc',
    ]);
    expect(manifest).toMatchObject({
      model_filepath: `${USER}/${ALGO}/model_${sha}.pkl`,
      model_md5_hash: stored?.kind === 'file' ? stored.md5 : '',
      model_origin_commit_SHA: sha,
      model_origin_commit_msg: 'train v1',
      model_origin_repo: 'acme/housing-model',
    });
    const builds = scene.emulator.algorithm(USER, ALGO)?.builds ?? [];
    expect(builds.find((b) => b.commit_sha === commit)).toMatchObject({
      status: 'succeeded',
      build_id: staged?.json.refs?.buildId,
    });
    expect(staged?.json.refs?.testCases).toBe('1');
    const calls = scene.emulator.requests.filter(
      (r) => r.method === 'POST' && r.path.startsWith('/v1/algo/'),
    );
    expect(calls.map((r) => r.path)).toEqual([`/v1/algo/${USER}/${ALGO}/${commit}`]);
  }, 120_000);

  it('publishing the older v1 once v2 is built is refused; v2 publishes its own commit', async () => {
    const v1Commit = await algoRepo('rev-parse', 'master');
    writeNotebook('weights v2');
    const sha = await commitMl('train v2');
    const { staged } = await pipeline('v2', sha);
    expect(staged?.code).toBe(0);
    const v2Commit = staged?.json.refs?.algoCommit ?? '';
    expect(v2Commit).not.toBe(v1Commit);

    const refused = await cli(
      'publish',
      '--model',
      'housing',
      '--version',
      'v1',
      '--ref',
      `algoCommit=${v1Commit}`,
    );
    expect(refused.code).not.toBe(0);
    expect(refused.json.error?.message).toContain(`is commit ${v2Commit}`);
    expect(scene.emulator.algorithm(USER, ALGO)?.versions).toEqual([]);

    const published = await cli(
      'publish',
      '--model',
      'housing',
      '--version',
      'v2',
      '--ref',
      `algoCommit=${v2Commit}`,
    );
    expect(published.code).toBe(0);
    expect(scene.emulator.algorithm(USER, ALGO)?.versions).toMatchObject([
      { git_hash: v2Commit, details: { label: 'v2' }, semantic_version: '0.1.0' },
    ]);
    expect(readFileSync(join(ml, 'model.pkl'), 'utf8')).toBe('weights v2');
  }, 120_000);
});
