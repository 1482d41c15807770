// The Algorithmia provider's settings: one strict schema, checked by the factory. Injectables (a
// fetch, the data client, the environment) are programmatic only and stay outside it.
import { InvalidInputError } from '@modelship/core';
import { parseSettings } from '@modelship/core/provider-kit';
import { z } from 'zod';
import type { AlgorithmiaDataClient } from './client.js';

export const algorithmRepoSchema = z.strictObject({
  /**
   * The algorithm's git repository: Algorithmia-backed (`https://git.algorithmia.com/git/<user>/<algo>.git`),
   * GitHub-backed (`https://github.com/<owner>/<algo>.git`) or a local path / `file://` URL.
   */
  url: z.string().min(1),
  /** HTTPS credentials (Algorithmia username + password, or GitHub user + token); handed to git via GIT_ASKPASS, never in argv. */
  auth: z.strictObject({ username: z.string().min(1), password: z.string().min(1) }).optional(),
  /** Default `master`, Algorithmia's default branch; a push to it starts a build. */
  branch: z.string().min(1).optional(),
});
export type AlgorithmRepoSettings = z.input<typeof algorithmRepoSchema>;

export const notebookSchema = z.strictObject({
  /** The training notebook, e.g. `model_training.ipynb`. */
  path: z.string().min(1),
  /** The program that runs nbconvert; default `['jupyter']` (so `jupyter nbconvert --to notebook --execute …`). */
  command: z.array(z.string().min(1)).min(1).optional(),
  /** Per-cell and overall timeout; default 10 minutes. */
  timeoutMs: z.number().int().positive().optional(),
  /** A JSON file of `{ name: number }` the notebook writes; default `metrics.json` beside it. */
  metricsPath: z.string().min(1).optional(),
});
export type NotebookSettings = z.input<typeof notebookSchema>;

export const testCaseSchema = z.object({
  input: z.unknown(),
  expected: z.unknown(),
  /** Numbers may differ by this much (absolute); default 0. */
  tolerance: z.number().nonnegative().optional(),
});
export type AlgorithmTestCase = z.input<typeof testCaseSchema>;

export const settingsSchema = z.strictObject({
  /** Falls back to `ALGORITHMIA_API_KEY`. Sent as `Authorization: Simple <key>`. */
  apiKey: z.string().optional(),
  /** Falls back to `ALGORITHMIA_API`, then `https://api.algorithmia.com`. */
  apiAddress: z.string().optional(),
  /** Falls back to `ALGORITHMIA_USERNAME`. */
  username: z.string().optional(),
  /** Falls back to `ALGORITHMIA_ALGONAME`. */
  algoName: z.string().optional(),
  /** Where models are uploaded; default `data://<username>/<algoName>`. */
  collection: z.string().optional(),
  /** Default: the Algorithmia-backed repository of the algorithm. */
  algoRepo: algorithmRepoSchema.optional(),
  /** Local directory copied into the algorithm repository (`src/`, `requirements.txt`, …), as the action copies `<algoName>/`. */
  algorithmDir: z.string().optional(),
  /** The model file the notebook writes, or the checked-in model when there is no notebook. */
  modelPath: z.string().optional(),
  notebook: notebookSchema.optional(),
  /** Where the model came from; default: GitHub Actions variables, else the git checkout at `workspace`. */
  origin: z
    .strictObject({
      commit: z.string().optional(),
      repository: z.string().optional(),
      ref: z.string().optional(),
      commitMessage: z.string().nullable().optional(),
    })
    .optional(),
  /** The ML repository checkout; default the current directory. */
  workspace: z.string().optional(),
  /** Run against the freshly built commit before a deploy succeeds. */
  testCases: z.array(testCaseSchema).optional(),
  /** Stages whose deploy publishes a version; default `['production']`. */
  publishStages: z.array(z.string().min(1)).optional(),
  /** `settings.algorithm_callability` of published versions (required by the API); default `private`. */
  algorithmCallability: z.enum(['public', 'private']).optional(),
  /** Default `minor`. */
  versionType: z.enum(['major', 'minor', 'revision']).optional(),
  buildTimeoutMs: z.number().positive().optional(),
  pollIntervalMs: z.number().positive().optional(),
  gitAuthor: z.strictObject({ name: z.string().min(1), email: z.string().min(1) }).optional(),
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
