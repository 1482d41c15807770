// What `modelship-algorithmia` adds to the generic wrapper verbs: the Algorithmia settings as flags
// (with the action's environment variables as fallbacks) and the `publish` command.
import { readFileSync } from 'node:fs';
import type { ProviderCliSpec } from '@modelship/core';
// The light errors entry keeps `modelship-<name> --help` from loading core (and zod).
import { InvalidInputError } from '@modelship/core/errors';
import type { AlgorithmiaProvider } from './provider.js';
import type { AlgorithmTestCase } from './settings.js';

type Values = Record<string, string | boolean | string[] | undefined>;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function testCasesFrom(path: string | undefined): AlgorithmTestCase[] | undefined {
  if (!path) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InvalidInputError(`--test-cases ${path} cannot be read as JSON (${(error as Error).message})`);
  }
  if (
    !Array.isArray(parsed) ||
    !parsed.every((item) => item && typeof item === 'object' && 'input' in item && 'expected' in item)
  ) {
    throw new InvalidInputError(`--test-cases ${path} must be a JSON array of { "input": …, "expected": … }`);
  }
  return parsed as AlgorithmTestCase[];
}

function number(value: unknown, flag: string): number | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  const parsed = Number(raw);
  if (!Number.isFinite(parsed) || parsed <= 0)
    throw new InvalidInputError(`--${flag} must be a positive number of milliseconds, not "${raw}"`);
  return parsed;
}

export const cliSpec: ProviderCliSpec = {
  name: 'algorithmia',
  summary:
    'Deploy to Algorithmia: notebook training, data collection upload, algorithm repo push, build wait, tests, publish',
  options: {
    'api-key': {
      type: 'string',
      description: 'Algorithmia API key',
      env: 'ALGORITHMIA_API_KEY',
      secret: true,
    },
    'api-address': {
      type: 'string',
      description: 'API address (default https://api.algorithmia.com)',
      env: 'ALGORITHMIA_API',
    },
    username: { type: 'string', description: 'Algorithmia username', env: 'ALGORITHMIA_USERNAME' },
    'algo-name': { type: 'string', description: 'algorithm name', env: 'ALGORITHMIA_ALGONAME' },
    collection: {
      type: 'string',
      description: 'upload collection (default data://<user>/<algo>)',
      env: 'ALGORITHMIA_UPLOADPATH',
    },
    'algo-repo': {
      type: 'string',
      description: 'algorithm git repository URL (default the Algorithmia-backed one)',
    },
    'git-username': {
      type: 'string',
      description: 'git username for the algorithm repository',
      env: 'ALGORITHMIA_GIT_USERNAME',
    },
    'git-password': {
      type: 'string',
      description: 'git password or token for the algorithm repository',
      env: 'ALGORITHMIA_GIT_PASSWORD',
      secret: true,
    },
    'algorithm-dir': { type: 'string', description: 'local algorithm directory copied into the repository' },
    'model-path': { type: 'string', description: 'model file the notebook writes (or the checked-in model)' },
    notebook: { type: 'string', description: 'training notebook (train)' },
    jupyter: { type: 'string', description: 'jupyter executable (default jupyter)' },
    'notebook-timeout': { type: 'string', description: 'notebook timeout in ms (default 600000)' },
    workspace: { type: 'string', description: 'ML repository checkout (default .)' },
    'origin-commit': { type: 'string', description: 'origin commit (default GITHUB_SHA or git HEAD)' },
    'test-cases': {
      type: 'string',
      description: 'JSON file of [{ input, expected, tolerance? }] run against each build',
    },
    'publish-stage': {
      type: 'string',
      multiple: true,
      description: 'stages whose deploy publishes (default production)',
    },
    'version-type': { type: 'string', description: 'major, minor (default) or revision' },
    callability: {
      type: 'string',
      description: 'algorithm_callability of published versions: private (default) or public',
    },
    'build-timeout': { type: 'string', description: 'build wait in ms (default 600000)' },
  },
  create: async (values: Values, env) => {
    const { createAlgorithmiaProvider } = await import('./provider.js');
    const versionType = text(values['version-type']);
    if (versionType !== undefined && !['major', 'minor', 'revision'].includes(versionType)) {
      throw new InvalidInputError(`--version-type must be major, minor or revision, not "${versionType}"`);
    }
    const callability = text(values.callability);
    if (callability !== undefined && !['public', 'private'].includes(callability)) {
      throw new InvalidInputError(`--callability must be public or private, not "${callability}"`);
    }
    const repoUrl = text(values['algo-repo']);
    const gitUser = text(values['git-username']) ?? text(values.username) ?? text(env.ALGORITHMIA_USERNAME);
    const gitPassword = text(values['git-password']);
    const notebook = text(values.notebook);
    const jupyter = text(values.jupyter);
    const originCommit = text(values['origin-commit']);
    return createAlgorithmiaProvider({
      apiKey: text(values['api-key']),
      apiAddress: text(values['api-address']),
      username: text(values.username),
      algoName: text(values['algo-name']),
      collection: text(values.collection),
      ...(repoUrl || gitPassword
        ? {
            algoRepo: {
              url:
                repoUrl ??
                `https://git.algorithmia.com/git/${text(values.username) ?? env.ALGORITHMIA_USERNAME}/${text(values['algo-name']) ?? env.ALGORITHMIA_ALGONAME}.git`,
              ...(gitPassword && gitUser ? { auth: { username: gitUser, password: gitPassword } } : {}),
            },
          }
        : {}),
      algorithmDir: text(values['algorithm-dir']),
      modelPath: text(values['model-path']),
      ...(notebook
        ? {
            notebook: {
              path: notebook,
              ...(jupyter ? { command: [jupyter] } : {}),
              timeoutMs: number(values['notebook-timeout'], 'notebook-timeout'),
            },
          }
        : {}),
      workspace: text(values.workspace),
      ...(originCommit ? { origin: { commit: originCommit } } : {}),
      testCases: testCasesFrom(text(values['test-cases'])),
      publishStages: values['publish-stage'] as string[] | undefined,
      versionType: versionType as 'major' | 'minor' | 'revision' | undefined,
      algorithmCallability: callability as 'public' | 'private' | undefined,
      buildTimeoutMs: number(values['build-timeout'], 'build-timeout'),
      env,
    });
  },
  commands: {
    publish: {
      description: 'publish the built algorithm commit of a version (details.label = the modelship version)',
      usage: 'publish --model M --version V --ref algoCommit=SHA [--version-type minor]',
      async run({ provider, values, context }) {
        const model = text(values.model);
        const version = text(values.version);
        if (!model || !version) throw new InvalidInputError('publish: --model and --version are required');
        const refs = Object.fromEntries(
          ((values.ref as string[] | undefined) ?? []).map((pair) => {
            const cut = pair.indexOf('=');
            if (cut < 1) throw new InvalidInputError(`publish: --ref "${pair}" must be K=V`);
            return [pair.slice(0, cut), pair.slice(cut + 1)];
          }),
        );
        return (provider as AlgorithmiaProvider).publish({ model: { name: model, version }, refs }, context);
      },
    },
  },
};
