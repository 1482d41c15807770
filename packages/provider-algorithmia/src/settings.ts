import { InvalidInputError } from '@modelship/core';
import type { AlgorithmiaDataClient } from './client.js';

export interface AlgorithmRepoSettings {
  /**
   * The algorithm's git repository: Algorithmia-backed (`https://git.algorithmia.com/git/<user>/<algo>.git`),
   * GitHub-backed (`https://github.com/<owner>/<algo>.git`) or a local path / `file://` URL.
   */
  url: string;
  /** HTTPS credentials (Algorithmia username + password, or GitHub user + token); handed to git via GIT_ASKPASS, never in argv. */
  auth?: { username: string; password: string };
  /** Default `master`, Algorithmia's default branch; a push to it starts a build. */
  branch?: string;
}

export interface NotebookSettings {
  /** The training notebook, e.g. `model_training.ipynb`. */
  path: string;
  /** The program that runs nbconvert; default `['jupyter']` (so `jupyter nbconvert --to notebook --execute …`). */
  command?: string[];
  /** Per-cell and overall timeout; default 10 minutes. */
  timeoutMs?: number;
  /** A JSON file of `{ name: number }` the notebook writes; default `metrics.json` beside it. */
  metricsPath?: string;
}

export interface AlgorithmTestCase {
  input: unknown;
  expected: unknown;
  /** Numbers may differ by this much (absolute); default 0. */
  tolerance?: number;
}

export interface AlgorithmiaProviderSettings {
  /** Falls back to `ALGORITHMIA_API_KEY`. Sent as `Authorization: Simple <key>`. */
  apiKey?: string;
  /** Falls back to `ALGORITHMIA_API`, then `https://api.algorithmia.com`. */
  apiAddress?: string;
  /** Falls back to `ALGORITHMIA_USERNAME`. */
  username?: string;
  /** Falls back to `ALGORITHMIA_ALGONAME`. */
  algoName?: string;
  /** Where models are uploaded; default `data://<username>/<algoName>`. */
  collection?: string;
  /** Default: the Algorithmia-backed repository of the algorithm. */
  algoRepo?: AlgorithmRepoSettings;
  /** Local directory copied into the algorithm repository (`src/`, `requirements.txt`, …), as the action copies `<algoName>/`. */
  algorithmDir?: string;
  /** The model file the notebook writes, or the checked-in model when there is no notebook. */
  modelPath?: string;
  notebook?: NotebookSettings;
  /** Where the model came from; default: GitHub Actions variables, else the git checkout at `workspace`. */
  origin?: { commit?: string; repository?: string; ref?: string; commitMessage?: string | null };
  /** The ML repository checkout; default the current directory. */
  workspace?: string;
  /** Run against the freshly built commit before a deploy succeeds. */
  testCases?: AlgorithmTestCase[];
  /** Stages whose deploy publishes a version; default `['production']`. */
  publishStages?: string[];
  /** `settings.algorithm_callability` of published versions (required by the API); default `private`. */
  algorithmCallability?: 'public' | 'private';
  /** Default `minor`. */
  versionType?: 'major' | 'minor' | 'revision';
  buildTimeoutMs?: number;
  pollIntervalMs?: number;
  gitAuthor?: { name: string; email: string };
  /** Injectable for tests; default the global fetch. Used for builds, versions, calls and HEAD. */
  fetch?: typeof globalThis.fetch;
  /** Injectable data API client; default the official `algorithmia` npm client. */
  dataClient?: AlgorithmiaDataClient;
  env?: NodeJS.ProcessEnv;
}

export interface ResolvedSettings {
  apiKey: string;
  apiAddress: string;
  username: string;
  algoName: string;
  /** Without `data://`. */
  collection: string;
  repo: Required<Pick<AlgorithmRepoSettings, 'url' | 'branch'>> & Pick<AlgorithmRepoSettings, 'auth'>;
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
  const collection = (settings.collection ?? `data://${username}/${algoName}`)
    .replace(/\$ALGORITHMIA_USERNAME/g, username)
    .replace(/\$ALGORITHMIA_ALGONAME/g, algoName)
    .replace(/^data:\/\//, '')
    .replace(/\/+$/, '');
  if (collection.split('/').length < 2) {
    throw new InvalidInputError(
      `Algorithmia provider: collection "data://${collection}" must name a user and a collection, e.g. data://${username}/${algoName}`,
    );
  }
  const repo = {
    url: settings.algoRepo?.url ?? `https://git.algorithmia.com/git/${username}/${algoName}.git`,
    branch: settings.algoRepo?.branch ?? 'master',
    auth: settings.algoRepo?.auth,
  };
  return { apiKey, apiAddress, username, algoName, collection, repo };
}

/** `https://git.algorithmia.com/git/u/a.git` → Algorithmia-backed; github.com → GitHub-backed; else local. */
export function repoKind(url: string): 'algorithmia' | 'github' | 'local' | 'other' {
  if (/^https?:\/\/(?:[^@/]+@)?git\.[^/]+\/git\/[^/]+\/[^/]+?(?:\.git)?$/.test(url)) return 'algorithmia';
  if (/^https?:\/\/(?:[^@/]+@)?github\.com\//.test(url) || /^git@github\.com:/.test(url)) return 'github';
  if (url.startsWith('file://') || url.startsWith('/') || url.startsWith('.')) return 'local';
  return 'other';
}
