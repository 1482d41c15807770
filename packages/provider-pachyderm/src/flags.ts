// How each setting of ./settings.ts appears as a flag of `modelship-pachyderm` and an environment
// variable (named like the Pachyderm GitHub Action's where one exists). Plain data, free of zod:
// `modelship-pachyderm --help` reads only this.
import type { SettingFlag } from '@modelship/core';
import type { settingsSchema } from './settings.js';

type SettingKey = keyof (typeof settingsSchema)['_zod']['input'];

export const settingFlags = {
  pachctl: { description: 'pachctl executable (default pachctl)', env: 'PACHCTL' },
  pachdAddress: { description: 'pachd address, e.g. grpcs://host:31400', env: 'PACHD_ADDRESS' },
  context: { flag: 'pach-context', description: 'pachctl context to use', env: 'PACH_CONTEXT' },
  configPath: { flag: 'pach-config', description: 'pachctl config file', env: 'PACH_CONFIG' },
  authToken: {
    description: 'Pachyderm auth token (given to pachctl on stdin)',
    env: 'PACHYDERM_AUTH_TOKEN',
    secret: true,
  },
  image: { description: 'pipeline image without tag', env: 'DOCKER_IMAGE_TAG' },
  imageTag: { description: 'image tag (default: the git SHA)' },
  gitSha: {
    description: 'git commit the image is built from, annotated on every pipeline for lineage',
    env: 'GITHUB_SHA',
  },
  pipelineSpecs: {
    type: 'list',
    flag: 'pipeline-spec',
    description: 'pipeline spec files (comma separated; env: space separated)',
    env: 'PACHYDERM_PIPELINE_FILES',
  },
  modelRepo: { description: 'repo holding models (default: the last pipeline)' },
  dataRepo: { description: "repo upload commits to (default: the pipelines' input repo)" },
  manifestRepo: {
    description: 'repo upload keeps manifests in, read by no pipeline (default modelship_manifests)',
  },
  reprocess: { type: 'boolean', description: 'update pipelines with --reprocess' },
  build: {
    description: 'image build/push commands run by train, "&&" between them, {image} = image:tag',
  },
  stageBranches: {
    type: 'list',
    flag: 'stage-branch',
    description: 'STAGE=BRANCH of the model repo (comma separated)',
  },
  env: { type: 'json', flag: false, description: 'extra environment for every pachctl call (config only)' },
  pollIntervalMs: { type: 'number', description: 'job poll interval in ms (default 2000)' },
  jobTimeoutMs: { type: 'number', description: 'upper bound for one training job in ms (default 1 hour)' },
  commandTimeoutMs: {
    type: 'number',
    description: 'upper bound for one pachctl call in ms (default 10 minutes)',
  },
} satisfies Record<SettingKey, SettingFlag>;
