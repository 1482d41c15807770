// The Algorithmia provider's settings: one strict schema, checked by the factory. Injectables (a
// fetch, the data client, the environment) are programmatic only and stay outside it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidInputError } from '@modelship/core';
import { parseSettings } from '@modelship/core/provider-kit';
import { z } from 'zod';
import type { AlgorithmiaDataClient } from './client.js';

export const testCaseSchema = z.object({
  input: z.unknown(),
  expected: z.unknown(),
  /** Numbers may differ by this much (absolute); default 0. */
  tolerance: z.number().nonnegative().optional(),
});
export type AlgorithmTestCase = z.input<typeof testCaseSchema>;

const text = z.string().min(1).optional();
const ms = z.number().int().positive().optional();

/**
 * The provider's settings, flat: the factory, `modelship-algorithmia` flags and `--help`, the
 * environment and `providers.algorithmia` in modelship.config read these same camelCase keys
 * (flag names and environment variables: ./flags.ts). An unknown key is an error naming it.
 */
export const settingsSchema = z.strictObject({
  /** Falls back to `ALGORITHMIA_API_KEY`. Sent as `Authorization: Simple <key>`. */
  apiKey: text,
  /** Falls back to `ALGORITHMIA_API`, then `https://api.algorithmia.com`. */
  apiAddress: text,
  /** Falls back to `ALGORITHMIA_USERNAME`. */
  username: text,
  /** Falls back to `ALGORITHMIA_ALGONAME`. */
  algoName: text,
  /** Where models are uploaded (→ ALGORITHMIA_UPLOADPATH → `data://<username>/<algoName>`). */
  collection: text,
  /**
   * The algorithm's git repository: Algorithmia-backed (`https://git.algorithmia.com/git/<user>/<algo>.git`,
   * the default), GitHub-backed (`https://github.com/<owner>/<algo>.git`) or a local path / `file://` URL.
   */
  algoRepo: text,
  /** HTTPS user of the algorithm repository (→ ALGORITHMIA_GIT_USERNAME → `username`). */
  gitUsername: text,
  /** HTTPS password or token of the algorithm repository (→ ALGORITHMIA_GIT_PASSWORD); handed to git via GIT_ASKPASS, never in argv. */
  gitPassword: text,
  /** Default `master`, Algorithmia's default branch; a push to it starts a build. */
  gitBranch: text,
  /** Local directory copied into the algorithm repository (`src/`, `requirements.txt`, …), as the action copies `<algoName>/`. */
  algorithmDir: text,
  /** The model file the notebook writes, or the checked-in model when there is no notebook. */
  modelPath: text,
  /** The training notebook, e.g. `model_training.ipynb`. */
  notebook: text,
  /** The program (and its first arguments) that runs nbconvert; default `['jupyter']`. */
  jupyter: z.array(z.string().min(1)).min(1).optional(),
  /** Per-cell and overall notebook timeout; default 10 minutes. */
  notebookTimeoutMs: ms,
  /** A JSON file of `{ name: number }` the notebook writes; default `metrics.json` beside it. */
  metricsPath: text,
  /** The ML repository checkout; default the current directory. */
  workspace: text,
  /** Where the model came from; default: GitHub Actions variables, else the git checkout at `workspace`. */
  originCommit: text,
  originRepository: text,
  originRef: text,
  originCommitMessage: z.string().optional(),
  /** Run against the freshly built commit before a deploy succeeds: the cases, or a JSON file of them. */
  testCases: z.union([z.array(testCaseSchema), z.string().min(1)]).optional(),
  /** Stages whose deploy publishes a version; default `['production']`. */
  publishStages: z.array(z.string().min(1)).optional(),
  /** `settings.algorithm_callability` of published versions (required by the API); default `private`. */
  algorithmCallability: z.enum(['public', 'private']).optional(),
  /** Default `minor`. */
  versionType: z.enum(['major', 'minor', 'revision']).optional(),
  buildTimeoutMs: ms,
  pollIntervalMs: ms,
  /** Author of the deploy commits; default `<username> <username@users.noreply.modelship>`. */
  gitAuthorName: text,
  gitAuthorEmail: text,
});

/** Programmatic only: swapped in by tests, never read from flags or a config file. */
export interface AlgorithmiaInjectables {
  /** Default the global fetch. Used for builds, versions, calls and HEAD. */
  fetch?: typeof globalThis.fetch;
  /** Default the official `algorithmia` npm client. */
  dataClient?: AlgorithmiaDataClient;
  env?: NodeJS.ProcessEnv;
}

export type AlgorithmiaProviderSettings = z.input<typeof settingsSchema> & AlgorithmiaInjectables;

/** Settings given in code are checked like those from flags or a config file. */
export function checkSettings(settings: AlgorithmiaProviderSettings): AlgorithmiaProviderSettings {
  const { fetch, dataClient, env, ...values } = settings;
  const checked = parseSettings(settingsSchema, { values: { ...values }, from: {} }, 'algorithmia');
  return {
    ...checked,
    ...(fetch ? { fetch } : {}),
    ...(dataClient ? { dataClient } : {}),
    ...(env ? { env } : {}),
  };
}

export interface ResolvedSettings {
  apiKey: string;
  apiAddress: string;
  username: string;
  algoName: string;
  /** Without `data://`. */
  collection: string;
  repo: { url: string; branch: string; auth?: { username: string; password: string } };
  /** `testCases`, read from its file when the setting names one. */
  testCases: AlgorithmTestCase[];
}

function pick(option: string | undefined, env: string | undefined): string | undefined {
  return option !== undefined && option !== '' ? option : env !== undefined && env !== '' ? env : undefined;
}

function required(value: string | undefined, option: string, envName: string): string {
  if (value === undefined) {
    throw new InvalidInputError(
      `Algorithmia provider: ${option} is not set; pass settings.${option} or set ${envName}`,
      { details: { option, env: envName } },
    );
  }
  return value;
}

export function resolveSettings(settings: AlgorithmiaProviderSettings): ResolvedSettings {
  const env = settings.env ?? process.env;
  const apiKey = required(
    pick(settings.apiKey, env.ALGORITHMIA_API_KEY),
    'apiKey',
    'ALGORITHMIA_API_KEY',
  ).replace(/^Simple /, '');
  const username = required(
    pick(settings.username, env.ALGORITHMIA_USERNAME),
    'username',
    'ALGORITHMIA_USERNAME',
  );
  const algoName = required(
    pick(settings.algoName, env.ALGORITHMIA_ALGONAME),
    'algoName',
    'ALGORITHMIA_ALGONAME',
  );
  for (const [option, value] of [
    ['username', username],
    ['algoName', algoName],
  ] as const) {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(value)) {
      throw new InvalidInputError(
        `Algorithmia provider: ${option} "${value}" must be letters, digits, "_", "-" or "."`,
      );
    }
  }
  const apiAddress = (
    pick(settings.apiAddress, env.ALGORITHMIA_API) ?? 'https://api.algorithmia.com'
  ).replace(/\/+$/, '');
  const collection = (
    pick(settings.collection, env.ALGORITHMIA_UPLOADPATH) ?? `data://${username}/${algoName}`
  )
    .replace(/\$ALGORITHMIA_USERNAME/g, username)
    .replace(/\$ALGORITHMIA_ALGONAME/g, algoName)
    .replace(/^data:\/\//, '')
    .replace(/\/+$/, '');
  if (collection.split('/').length < 2) {
    throw new InvalidInputError(
      `Algorithmia provider: collection "data://${collection}" must name a user and a collection, e.g. data://${username}/${algoName}`,
    );
  }
  const gitPassword = pick(settings.gitPassword, env.ALGORITHMIA_GIT_PASSWORD);
  const gitUsername = pick(settings.gitUsername, env.ALGORITHMIA_GIT_USERNAME) ?? username;
  const repo = {
    url: settings.algoRepo ?? `https://git.algorithmia.com/git/${username}/${algoName}.git`,
    branch: settings.gitBranch ?? 'master',
    ...(gitPassword ? { auth: { username: gitUsername, password: gitPassword } } : {}),
  };
  return { apiKey, apiAddress, username, algoName, collection, repo, testCases: testCasesOf(settings) };
}

/** The test cases as given, or read from the JSON file `testCases` names (relative: to the process). */
function testCasesOf(settings: AlgorithmiaProviderSettings): AlgorithmTestCase[] {
  const given = settings.testCases;
  if (given === undefined || Array.isArray(given)) return given ?? [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(resolve(given), 'utf8'));
  } catch (error) {
    throw new InvalidInputError(
      `algorithmia setting testCases: ${given} cannot be read as JSON (${(error as Error).message})`,
    );
  }
  const cases = z.array(testCaseSchema).safeParse(parsed);
  if (!cases.success || cases.data.some((item) => !('input' in item && 'expected' in item)))
    throw new InvalidInputError(
      `algorithmia setting testCases: ${given} must be a JSON array of { "input": …, "expected": … }`,
    );
  return cases.data;
}

/** `https://git.algorithmia.com/git/u/a.git` → Algorithmia-backed; github.com → GitHub-backed; else local. */
export function repoKind(url: string): 'algorithmia' | 'github' | 'local' | 'other' {
  if (/^https?:\/\/(?:[^@/]+@)?git\.[^/]+\/git\/[^/]+\/[^/]+?(?:\.git)?$/.test(url)) return 'algorithmia';
  if (/^https?:\/\/(?:[^@/]+@)?github\.com\//.test(url) || /^git@github\.com:/.test(url)) return 'github';
  if (url.startsWith('file://') || url.startsWith('/') || url.startsWith('.')) return 'local';
  return 'other';
}
