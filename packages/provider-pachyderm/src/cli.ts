// What `modelship-pachyderm` adds to the generic wrapper verbs: connection and pipeline options
// (named like the Pachyderm GitHub Action's variables where one exists) and `lineage`.
import type { ProviderCliSpec } from '@modelship/core';
// The light errors entry keeps `modelship-<name> --help` from loading core (and zod).
import { InvalidInputError } from '@modelship/core/errors';
import type { PachydermProvider } from './provider.js';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function list(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.flatMap((v) => String(v).split(/\s+/)).filter(Boolean);
  return text(value)?.split(/\s+/).filter(Boolean);
}

function pairs(value: unknown, flag: string): Record<string, string> | undefined {
  const items = Array.isArray(value) ? value.map(String) : text(value) ? [String(value)] : [];
  if (items.length === 0) return undefined;
  return Object.fromEntries(
    items.map((item) => {
      const at = item.indexOf('=');
      if (at <= 0) throw new InvalidInputError(`--${flag} ${item}: expected STAGE=BRANCH`);
      return [item.slice(0, at), item.slice(at + 1)];
    }),
  );
}

export const cliSpec: ProviderCliSpec = {
  name: 'pachyderm',
  summary: 'versioned data, image-tagged pipelines and lineage on Pachyderm, through pachctl',
  options: {
    pachctl: { type: 'string', description: 'pachctl executable (default pachctl)', env: 'PACHCTL' },
    'pachd-address': {
      type: 'string',
      description: 'pachd address, e.g. grpcs://host:31400',
      env: 'PACHD_ADDRESS',
    },
    'pach-context': { type: 'string', description: 'pachctl context to use', env: 'PACH_CONTEXT' },
    'pach-config': { type: 'string', description: 'pachctl config file', env: 'PACH_CONFIG' },
    'auth-token': {
      type: 'string',
      description: 'Pachyderm auth token (given to pachctl on stdin)',
      env: 'PACHYDERM_AUTH_TOKEN',
      secret: true,
    },
    image: { type: 'string', description: 'pipeline image without tag', env: 'DOCKER_IMAGE_TAG' },
    'image-tag': { type: 'string', description: 'image tag (default: the git SHA)' },
    'git-sha': {
      type: 'string',
      description: 'git commit the image is built from, annotated on every pipeline for lineage',
      env: 'GITHUB_SHA',
    },
    'pipeline-spec': {
      type: 'string',
      multiple: true,
      description: 'pipeline spec file (repeatable; env: space separated)',
      env: 'PACHYDERM_PIPELINE_FILES',
    },
    'model-repo': { type: 'string', description: 'repo holding models (default: the last pipeline)' },
    'data-repo': {
      type: 'string',
      description: "repo upload commits to (default: the pipelines' input repo)",
    },
    'manifest-repo': {
      type: 'string',
      description: 'repo upload keeps manifests in, read by no pipeline (default modelship_manifests)',
    },
    reprocess: { type: 'boolean', description: 'update pipelines with --reprocess' },
    build: {
      type: 'string',
      multiple: true,
      description: 'image build/push command run by train, {image} = image:tag (repeatable)',
    },
    'stage-branch': {
      type: 'string',
      multiple: true,
      description: 'STAGE=BRANCH of the model repo (repeatable)',
    },
  },
  create: async (values) =>
    (await import('./provider.js')).createPachydermProvider({
      pachctl: text(values.pachctl),
      pachdAddress: text(values['pachd-address']),
      context: text(values['pach-context']),
      configPath: text(values['pach-config']),
      authToken: text(values['auth-token']),
      image: text(values.image),
      imageTag: text(values['image-tag']),
      gitSha: text(values['git-sha']),
      pipelineSpecs: list(values['pipeline-spec']),
      modelRepo: text(values['model-repo']),
      dataRepo: text(values['data-repo']),
      manifestRepo: text(values['manifest-repo']),
      reprocess: values.reprocess === true,
      build: (Array.isArray(values.build) ? values.build : text(values.build) ? [values.build] : []).map(
        (line) => {
          const [command = '', ...args] = String(line).split(/\s+/).filter(Boolean);
          return { command, args };
        },
      ),
      stageBranches: pairs(values['stage-branch'], 'stage-branch'),
    }),
  commands: {
    lineage: {
      description: 'which data commits and pipeline spec (image) made a model commit',
      usage: 'lineage <commit> [--model-repo R] | lineage --ref commit=<id> [--ref repo=R]',
      async run({ provider, positionals, values, context }) {
        const refs = Object.fromEntries(
          ((values.ref as string[] | undefined) ?? []).map((r) => [
            r.slice(0, r.indexOf('=')),
            r.slice(r.indexOf('=') + 1),
          ]),
        );
        const commit = positionals[0] ?? refs.commit;
        if (!commit)
          throw new InvalidInputError(
            'lineage: pass the model commit id (`lineage <commit>` or --ref commit=<id>)',
          );
        return (provider as PachydermProvider).lineage(
          { commit, repo: refs.repo ?? text(values['model-repo']) },
          context,
        );
      },
    },
  },
};
