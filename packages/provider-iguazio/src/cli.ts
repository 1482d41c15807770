// What `modelship-iguazio` adds to the generic wrapper verbs: MLRun connection options and `export`.
import type { ProviderCliSpec } from '@modelship/core';
// The light errors entry keeps `modelship-<name> --help` from loading core (and zod).
import { InvalidInputError } from '@modelship/core/errors';
import { checkEnvironments } from './environments.js';
import type { IguazioProvider, IguazioProviderSettings, IguazioStageSettings } from './provider.js';

function text(value: unknown): string | undefined {
  if (Array.isArray(value)) return text(value[0]);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `providers.iguazio.stages` of modelship.config.yaml, which the CLI hands over as JSON text. */
function stagesFromConfig(raw: unknown): Record<string, IguazioStageSettings> {
  if (raw === undefined) return {};
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      value = undefined;
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new InvalidInputError('providers.iguazio.stages must map stage names to { project, function }');
  return value as Record<string, IguazioStageSettings>;
}

/** `--stage-project staging=fraud-staging` and `--stage-function staging=serving-v2`, repeatable. */
export function stagesFromArgs(values: Record<string, unknown>): Record<string, IguazioStageSettings> {
  const stages: Record<string, IguazioStageSettings> = { ...stagesFromConfig(values.stages) };
  for (const [flag, field] of [
    ['stage-project', 'project'],
    ['stage-function', 'function'],
  ] as const) {
    const raw = values[flag];
    for (const pair of Array.isArray(raw) ? raw : raw ? [raw] : []) {
      const [stage, name] = String(pair).split('=', 2);
      if (!stage || !name)
        throw new InvalidInputError(
          `--${flag} "${String(pair)}" must be STAGE=NAME, e.g. staging=fraud-staging`,
        );
      stages[stage] = { ...stages[stage], [field]: name };
    }
  }
  return stages;
}

/** `--tag-name champion=production` (repeatable), or `tag-name` in the config as JSON text. */
function tagNamesFromArgs(raw: unknown): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  const pairs =
    typeof raw === 'string' && raw.startsWith('[')
      ? (JSON.parse(raw) as string[])
      : Array.isArray(raw)
        ? raw
        : [raw];
  const names: Record<string, string> = {};
  for (const pair of pairs) {
    const [tag, name] = String(pair).split('=', 2);
    if (!tag || !name)
      throw new InvalidInputError(
        `--tag-name "${String(pair)}" must be TAG=MLRUN_TAG, e.g. champion=production`,
      );
    names[tag] = name;
  }
  return names;
}

export function settingsFromArgs(
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): IguazioProviderSettings {
  const bucket = text(values['s3-bucket']) ?? text(env.MODELSHIP_IGUAZIO_S3_BUCKET);
  const interval = text(values['poll-interval-ms']);
  return {
    apiUrl: text(values['api-url']) ?? text(env.MLRUN_DBPATH),
    accessKey: text(values['access-key']) ?? text(env.V3IO_ACCESS_KEY),
    username: text(values.username) ?? text(env.V3IO_USERNAME),
    project: text(values.project) ?? text(env.MLRUN_DEFAULT_PROJECT),
    functionName: text(values['function-name']),
    projectSource: text(values['project-source']),
    stages: stagesFromArgs(values),
    environments: checkEnvironments(values.environments, 'providers.iguazio.environments'),
    v3ioApi: text(values['v3io-api']) ?? text(env.V3IO_API),
    slackWebhook: text(values['slack-webhook']) ?? text(env.SLACK_WEBHOOK_URL),
    s3: bucket ? { bucket, prefix: text(values['s3-prefix']) } : undefined,
    pollIntervalMs: interval ? Number(interval) : undefined,
    tagNames: tagNamesFromArgs(values['tag-name']),
    env,
  };
}

async function askOnTerminal(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    for (;;) {
      const answer = (await rl.question(question)).trim().toLowerCase();
      if (answer === 'yes' || answer === 'no') return answer === 'yes';
      process.stderr.write("Invalid input. Please enter 'yes' or 'no'.\n");
    }
  } finally {
    rl.close();
  }
}

export const cliSpec: ProviderCliSpec = {
  name: 'iguazio',
  summary:
    'Iguazio / MLRun over its REST API: projects, workflows, challenger/champion tags, serving deploys',
  options: {
    'api-url': { type: 'string', description: 'MLRun API URL', env: 'MLRUN_DBPATH' },
    'access-key': { type: 'string', description: 'Iguazio access key', env: 'V3IO_ACCESS_KEY', secret: true },
    username: { type: 'string', description: 'Iguazio user name', env: 'V3IO_USERNAME' },
    project: { type: 'string', description: 'MLRun project (development)', env: 'MLRUN_DEFAULT_PROJECT' },
    'function-name': { type: 'string', description: 'base name of serving functions (default serving)' },
    'project-source': {
      type: 'string',
      description:
        'where MLRun loads the project and its workflows from, e.g. git://github.com/acme/fraud#main',
    },
    'stage-project': {
      type: 'string',
      multiple: true,
      description: 'STAGE=PROJECT: the project of an environment',
    },
    'stage-function': {
      type: 'string',
      multiple: true,
      description: 'STAGE=FUNCTION: the serving function of an environment',
    },
    environments: {
      type: 'string',
      description:
        'JSON map STAGE → { apiUrl | apiUrlEnv, project, accessKeyEnv, usernameEnv, v3ioApi | v3ioApiEnv }: stages on their own MLRun cluster (variable names, never secrets)',
    },
    'v3io-api': {
      type: 'string',
      description: 'v3io web API of the home cluster (model files cross environments through it)',
      env: 'V3IO_API',
    },
    's3-bucket': {
      type: 'string',
      description: 'upload model files to this S3 bucket',
      env: 'MODELSHIP_IGUAZIO_S3_BUCKET',
    },
    's3-prefix': { type: 'string', description: 'key prefix in the S3 bucket (default modelship/)' },
    'slack-webhook': {
      type: 'string',
      description: 'Slack webhook MLRun notifies when workflows end',
      env: 'SLACK_WEBHOOK_URL',
      secret: true,
    },
    'tag-name': {
      type: 'string',
      multiple: true,
      description: 'TAG=MLRUN_TAG: the MLRun tag used for a modelship tag',
    },
    'poll-interval-ms': {
      type: 'string',
      description: 'poll interval of workflows and deploys (default 2000)',
    },
    'model-uri': { type: 'string', description: 'store:// URI of the model (export)' },
    dir: { type: 'string', description: 'export directory (default artifacts)' },
    yes: { type: 'boolean', description: 'export without asking (CI)' },
  },
  async create(values, env) {
    const { createIguazioProvider } = await import('./provider.js');
    return createIguazioProvider(settingsFromArgs(values, env));
  },
  commands: {
    export: {
      description: "write a model's artifact YAML to artifacts/<key>:<tag>.yaml (asks first unless --yes)",
      usage:
        'export --model-uri store://models/<project>/<key>[...] [--tag challenger] [--dir artifacts] [--yes]',
      async run({ provider, values, context }) {
        const modelUri = text(values['model-uri']);
        if (!modelUri)
          throw new InvalidInputError('export: --model-uri is required (a store://models/... URI)');
        return (provider as IguazioProvider).exportModel(
          {
            modelUri,
            tag: text(values.tag),
            dir: text(values.dir),
            yes: values.yes === true,
            confirm: process.stdin.isTTY ? askOnTerminal : undefined,
          },
          context,
        );
      },
    },
  },
};
