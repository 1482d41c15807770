import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { ConfigInvalidError } from './errors.js';
import {
  approvalSettingKeys,
  configSchema,
  type ModelshipConfig,
  type ModelshipConfigInput,
} from './schema.js';

export const configFileNames = [
  'modelship.config.json',
  'modelship.config.yaml',
  'modelship.config.yml',
  'modelship.config.ts',
  'modelship.config.mjs',
  'modelship.config.js',
];

// Keys whose values look like secrets must not be written into the config.
const secretKey = /(secret|token|password|apikey|api_key|webhookurl)$/i;

function formatPath(path: readonly PropertyKey[]): string {
  return path.length
    ? path
        .map((part) => (typeof part === 'number' ? `[${part}]` : String(part)))
        .join('.')
        .replace(/\.\[/g, '[')
    : '(root)';
}

function findInlineSecrets(value: unknown, path: string[] = []): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, member]) => {
    const here = [...path, key];
    if (typeof member === 'string' && secretKey.test(key) && !key.endsWith('Env')) return [here.join('.')];
    return findInlineSecrets(member, here);
  });
}

/** Validates a config object; errors name every offending key path. */
export function parseConfig(value: unknown, source = 'modelship config'): ModelshipConfig {
  const inline = findInlineSecrets(value);
  if (inline.length) {
    throw new ConfigInvalidError(
      `${source}: ${inline.join(', ')} holds a secret value; store it in an environment variable and reference it as <key>Env: "VAR_NAME"`,
      { details: { paths: inline } },
    );
  }
  const parsed = configSchema.safeParse(value ?? {});
  if (!parsed.success) throw configError(parsed.error, source);
  const config = parsed.data;
  const stages = new Set(config.stages);
  const unknownStages = [
    ...Object.keys(config.gates).map((stage) => ['gates', stage]),
    ...Object.keys(config.approvals)
      .filter((key) => !approvalSettingKeys.includes(key))
      .map((stage) => ['approvals', stage]),
    ...Object.entries(config.models).flatMap(([model, m]) => [
      ...Object.keys(m.gates ?? {}).map((stage) => ['models', model, 'gates', stage]),
      ...Object.keys(m.approvals ?? {}).map((stage) => ['models', model, 'approvals', stage]),
    ]),
  ].filter((path) => !stages.has(path[path.length - 1] as string));
  if (unknownStages.length) {
    throw new ConfigInvalidError(
      `${source}: ${unknownStages.map((p) => p.join('.')).join(', ')} names a stage that is not in stages (${config.stages.join(', ')})`,
    );
  }
  return config;
}

function configError(error: z.ZodError, source: string): ConfigInvalidError {
  const lines = error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  return new ConfigInvalidError(`${source} is invalid:\n  ${lines.join('\n  ')}`, {
    details: {
      issues: error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
    },
  });
}

export const defaultConfig: ModelshipConfig = configSchema.parse({});

/** Defines a config in `modelship.config.ts` with type checking. */
export function defineConfig(config: ModelshipConfigInput): ModelshipConfigInput {
  return config;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

export interface LoadedConfig {
  config: ModelshipConfig;
  /** The file read, or undefined when none exists and defaults apply. */
  path: string | undefined;
}

/** Reads `modelship.config.{json,yaml,yml,ts,mjs,js}` from a directory (or the given file); defaults when absent. */
export async function loadConfig(pathOrCwd: string = process.cwd()): Promise<LoadedConfig> {
  const target = resolve(pathOrCwd);
  let file: string | undefined;
  if (await isDirectory(target)) {
    for (const candidate of configFileNames) {
      if (
        await stat(join(target, candidate)).then(
          () => true,
          () => false,
        )
      ) {
        file = join(target, candidate);
        break;
      }
    }
    if (!file) return { config: defaultConfig, path: undefined };
  } else {
    file = target;
  }
  let value: unknown;
  if (/\.(m?js|ts)$/.test(file)) {
    try {
      const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
      value = module.default;
    } catch (error) {
      throw new ConfigInvalidError(
        `cannot load ${file}: ${(error as Error).message}${file.endsWith('.ts') ? ' (TypeScript configs need Node with type stripping or tsx; or use modelship.config.json / .yaml)' : ''}`,
        { cause: error },
      );
    }
  } else {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new ConfigInvalidError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code})`, {
        cause: error,
      });
    }
    try {
      value = file.endsWith('.json') ? JSON.parse(text) : (await import('yaml')).parse(text);
    } catch (error) {
      throw new ConfigInvalidError(
        `${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return { config: parseConfig(value, file), path: file };
}

export function stageGatesFor(config: ModelshipConfig, model: string, stage: string) {
  return config.models[model]?.gates?.[stage] ?? config.gates[stage] ?? {};
}

export function approvalPolicyFor(config: ModelshipConfig, model: string, stage: string) {
  return config.models[model]?.approvals?.[stage] ?? config.approvals[stage];
}
