import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CapturedContext, capturingContext } from '@modelship/core/testing';
import { type AlgorithmiaEmulator, startAlgorithmiaEmulator } from '@modelship/testing-algorithmia-emulator';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const mainPython = join(repoRoot, '.peers/main/bin/python');
export const algorithmiaPython = join(repoRoot, '.peers/algorithmia/bin/python');
export const jupyter = join(repoRoot, '.peers/main/bin/jupyter');

export function algorithmiaSitePackages(): string {
  const lib = join(repoRoot, '.peers/algorithmia/lib');
  const python = readdirSync(lib).find((name) => name.startsWith('python'));
  return join(lib, python ?? 'python3', 'site-packages');
}

/** A notebook of code cells at `<dir>/<name>`; returns `name` (train resolves it against the workspace). */
export function writeNotebook(dir: string, name: string, sources: string[]): string {
  const cells = sources.map((source, i) => ({
    cell_type: 'code',
    id: `c${i}`,
    metadata: {},
    execution_count: null,
    outputs: [],
    source,
  }));
  const doc = {
    cells,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(join(dir, name), JSON.stringify(doc));
  return name;
}

export const API_KEY = 'simtesting-fake-api-key';
export const USER = 'demo';
export const ALGO = 'housing_price';
export const ORIGIN_SHA = 'c0ffee1234567890c0ffee1234567890c0ffee12';

export interface Scene {
  emulator: AlgorithmiaEmulator;
  root: string;
  repoDir: string;
  algorithmDir: string;
  modelPath: string;
  cleanup(): Promise<void>;
}

export const echoAlgorithm = `import json, os\n\ndef apply(input):\n    with open(os.path.join(os.path.dirname(__file__), '..', 'model_manifest.json')) as f:\n        manifest = json.load(f)\n    return {"input": input, "model": manifest["model_filepath"]}\n`;

/** An emulator with one algorithm backed by a fresh bare repo, a local algorithm dir and a model file. */
export async function startScene(
  options: { algorithmSource?: string; buildDelayMs?: number } = {},
): Promise<Scene> {
  const root = mkdtempSync(join(tmpdir(), 'algorithmia-test-'));
  const emulator = await startAlgorithmiaEmulator({
    apiKeys: { [API_KEY]: USER },
    runtime: {
      python: mainPython,
      pythonPath: [join(repoRoot, 'python'), algorithmiaSitePackages()],
      buildDelayMs: options.buildDelayMs ?? 30,
    },
  });
  const repoDir = join(root, 'algo.git');
  await emulator.createAlgorithm(USER, ALGO, repoDir);
  const algorithmDir = join(root, ALGO);
  mkdirSync(join(algorithmDir, 'src'), { recursive: true });
  writeFileSync(join(algorithmDir, 'src', `${ALGO}.py`), options.algorithmSource ?? echoAlgorithm);
  writeFileSync(join(algorithmDir, 'src', '__init__.py'), '');
  writeFileSync(join(algorithmDir, 'requirements.txt'), 'algorithmia>=1.0.0,<2.0\n');
  const modelPath = join(root, 'model.pkl');
  writeFileSync(modelPath, Buffer.from('not really a pickle, just model bytes'));
  return {
    emulator,
    root,
    repoDir,
    algorithmDir,
    modelPath,
    cleanup: async () => {
      await emulator.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export function providerSettings(scene: Scene) {
  return {
    apiKey: API_KEY,
    apiAddress: scene.emulator.url,
    username: USER,
    algoName: ALGO,
    algoRepo: `file://${scene.repoDir}`,
    algorithmDir: scene.algorithmDir,
    modelPath: scene.modelPath,
    originCommit: ORIGIN_SHA,
    originRepository: 'acme/housing',
    originRef: 'refs/heads/master',
    originCommitMessage: 'retrain on more data',
    pollIntervalMs: 25,
    buildTimeoutMs: 30_000,
    env: {},
  };
}

/** A context that keeps its log lines, redacting the API key (the kit's capturingContext). */
export function capturing(secrets: string[] = [API_KEY]): CapturedContext {
  return capturingContext(secrets);
}
