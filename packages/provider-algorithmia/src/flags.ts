// How each setting of ./settings.ts appears as a flag of `modelship-algorithmia` and an environment
// variable (named like the Algorithmia GitHub Action's). Plain data, free of zod: `--help` reads only this.
import type { SettingFlag } from '@modelship/core';
import type { settingsSchema } from './settings.js';

type SettingKey = keyof (typeof settingsSchema)['_zod']['input'];

export const settingFlags = {
  apiKey: { description: 'Algorithmia API key', env: 'ALGORITHMIA_API_KEY', secret: true },
  apiAddress: { description: 'API address (default https://api.algorithmia.com)', env: 'ALGORITHMIA_API' },
  username: { description: 'Algorithmia username', env: 'ALGORITHMIA_USERNAME' },
  algoName: { description: 'algorithm name', env: 'ALGORITHMIA_ALGONAME' },
  collection: {
    description: 'upload collection (default data://<user>/<algo>)',
    env: 'ALGORITHMIA_UPLOADPATH',
  },
  algoRepo: { description: 'algorithm git repository URL (default the Algorithmia-backed one)' },
  gitUsername: {
    description: 'git username for the algorithm repository (default username)',
    env: 'ALGORITHMIA_GIT_USERNAME',
  },
  gitPassword: {
    description: 'git password or token for the algorithm repository',
    env: 'ALGORITHMIA_GIT_PASSWORD',
    secret: true,
  },
  gitBranch: { description: 'branch of the algorithm repository whose pushes build (default master)' },
  algorithmDir: { description: 'local algorithm directory copied into the repository' },
  modelPath: { description: 'model file the notebook writes (or the checked-in model)' },
  notebook: { description: 'training notebook (train)' },
  jupyter: {
    type: 'list',
    description: 'program running nbconvert, and its first arguments (default jupyter)',
  },
  notebookTimeoutMs: { type: 'number', description: 'notebook timeout in ms (default 600000)' },
  metricsPath: { description: 'JSON file of metrics the notebook writes (default metrics.json beside it)' },
  workspace: { description: 'ML repository checkout (default .)' },
  originCommit: { description: 'origin commit (default GITHUB_SHA or git HEAD)' },
  originRepository: { description: 'origin repository (default GITHUB_REPOSITORY or the git remote)' },
  originRef: { description: 'origin ref (default GITHUB_REF or the git branch)' },
  originCommitMessage: { description: "origin commit message (default the git checkout's)" },
  testCases: {
    description:
      'JSON file of [{ input, expected, tolerance? }] run against each build (config: the array itself)',
  },
  publishStages: {
    type: 'list',
    flag: 'publish-stage',
    description: 'stages whose deploy publishes, comma separated (default production)',
  },
  algorithmCallability: { description: 'callability of published versions: private (default) or public' },
  versionType: { description: 'major, minor (default) or revision' },
  buildTimeoutMs: { type: 'number', description: 'build wait in ms (default 600000)' },
  pollIntervalMs: { type: 'number', description: 'build poll interval in ms' },
  gitAuthorName: { description: 'author name of deploy commits (default username)' },
  gitAuthorEmail: { description: 'author email of deploy commits' },
} satisfies Record<SettingKey, SettingFlag>;
