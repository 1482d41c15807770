// Pure parsing for the provider wrappers (`modelship-<provider> <verb> …`).
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { ProviderCliOption, SettingFlags } from '@modelship/core';
import { settingFlagName } from '@modelship/core/provider-kit';
import { UsageError } from './exit-codes.js';

type Options = NonNullable<ParseArgsConfig['options']>;

type WrapperOption = ProviderCliOption;

/**
 * Minimal shape of a provider's CLI spec needed to parse (the full one is @modelship/core's
 * ProviderCliSpec): the flag metadata of its settings schema and its own commands.
 */
export interface WrapperSpecShape {
  name: string;
  settings: SettingFlags;
  commands?: Record<string, { description: string; usage?: string; options?: Record<string, WrapperOption> }>;
}

/** The provider's flags by flag name, derived from its settings' flag metadata. */
export function providerFlags(spec: WrapperSpecShape): Record<string, WrapperOption> {
  const flags: Record<string, WrapperOption> = {};
  for (const [key, field] of Object.entries(spec.settings)) {
    const flag = settingFlagName(key, field);
    if (flag === undefined) continue;
    if (flag in wrapperOptions)
      throw new Error(`${spec.name} setting ${key}: flag --${flag} is already a common wrapper option`);
    flags[flag] = {
      type: field.type === 'boolean' ? 'boolean' : 'string',
      description: field.description,
      ...(field.short ? { short: field.short } : {}),
      ...(field.env ? { env: field.env } : {}),
      ...(field.secret ? { secret: true } : {}),
    };
  }
  return flags;
}

export const wrapperVerbs = {
  upload: {
    summary: 'store a model (file or directory) with the provider',
    usage: 'upload <path> --model M [--version V] [--manifest-digest D] [--metadata K=V]',
  },
  train: {
    summary: 'run training and wait for a terminal state',
    usage: 'train --model M [--param K=V]… [--option K=V]… [--tag T]… [-- <command> [args…]]',
  },
  tag: {
    summary: 'tag a version on a stage (champion, challenger, approved…)',
    usage: 'tag --model M --version V --stage S --tag T [--remove] [--ref K=V]… [--by WHO --reason R]',
  },
  deploy: {
    summary: 'deploy a version to a stage',
    usage: 'deploy --model M --version V --stage S [--ref K=V]… [--rollback]',
  },
  status: {
    summary: 'status of a stage deployment (or of the model)',
    usage: 'status --model M [--version V] [--stage S] [--ref K=V]…',
  },
} as const;

export const wrapperOptions = {
  model: { type: 'string', description: 'model name' },
  version: { type: 'string', description: 'modelship version id' },
  stage: { type: 'string', description: 'stage name' },
  path: { type: 'string', description: 'model file or directory (upload)' },
  tag: { type: 'string', multiple: true, description: 'tag name (tag) / run tag (train)' },
  ref: { type: 'string', multiple: true, description: 'provider ref K=V from an earlier call (repeatable)' },
  param: { type: 'string', multiple: true, description: 'training parameter K=V (repeatable)' },
  option: { type: 'string', multiple: true, description: 'provider-specific option K=V (repeatable)' },
  metadata: { type: 'string', multiple: true, description: 'upload metadata K=V (repeatable)' },
  'manifest-digest': { type: 'string', description: 'digest of the manifest already stamped for the model' },
  remove: { type: 'boolean', description: 'remove the tag instead of adding it' },
  rollback: { type: 'boolean', description: 'this deploy restores the previous version' },
  by: { type: 'string', description: 'approver (tag approved)' },
  reason: { type: 'string', description: 'approval reason' },
  port: { type: 'string', description: 'port (serve)' },
  all: { type: 'boolean', description: 'every deployment (undeploy)' },
  'idempotency-key': { type: 'string', description: 'a retry with the same key changes nothing' },
  config: {
    type: 'string',
    description:
      'modelship.config file or directory (default: the current one); its providers.<name> settings apply where neither a flag nor the environment sets one',
  },
  json: { type: 'boolean', description: 'print one JSON document on stdout' },
  verbose: { type: 'boolean', description: 'debug logging (commands run, requests)' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
} satisfies Options & Record<string, { description: string }>;

export interface WrapperInvocation {
  verb: string | undefined;
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
  tail: string[];
  json: boolean;
  help: boolean;
}

/** Parses `modelship-<name> <verb> …`; provider options join the common ones. Throws UsageError. */
export function argvToWrapperOptions(spec: WrapperSpecShape, argv: readonly string[]): WrapperInvocation {
  const dash = argv.indexOf('--');
  const own = dash === -1 ? [...argv] : argv.slice(0, dash);
  const tail = dash === -1 ? [] : argv.slice(dash + 1);
  const options: Options = { ...wrapperOptions };
  for (const [name, option] of Object.entries(providerFlags(spec))) {
    options[name] = {
      type: option.type,
      ...(option.multiple ? { multiple: true } : {}),
      ...(option.short ? { short: option.short } : {}),
    };
  }
  for (const [command, spec_] of Object.entries(spec.commands ?? {})) {
    for (const [name, option] of Object.entries(spec_.options ?? {})) {
      if (name in options)
        throw new Error(
          `${spec.name} command ${command}: flag --${name} is already a wrapper or setting flag`,
        );
      options[name] = { type: option.type, ...(option.multiple ? { multiple: true } : {}) };
    }
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: own, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(
      `${(error as Error).message.replace(/\. To specify.*$/s, '')}; run \`modelship-${spec.name} --help\``,
    );
  }
  const [verb, ...positionals] = parsed.positionals;
  const values = parsed.values as WrapperInvocation['values'];
  const help = values.help === true || verb === 'help' || verb === undefined;
  if (!help && !(verb in wrapperVerbs) && !spec.commands?.[verb]) {
    const known = [...Object.keys(wrapperVerbs), ...Object.keys(spec.commands ?? {})].join(', ');
    throw new UsageError(`unknown command "${verb}" for modelship-${spec.name}; known: ${known}`);
  }
  return {
    verb: help ? (verb === 'help' ? positionals[0] : verb) : verb,
    positionals,
    values,
    tail,
    json: values.json === true,
    help,
  };
}

export function required(values: WrapperInvocation['values'], name: string, verb: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '')
    throw new UsageError(
      `${verb}: --${name} is required; usage: ${wrapperVerbs[verb as keyof typeof wrapperVerbs]?.usage ?? verb}`,
    );
  return value;
}

export function wrapperHelp(spec: WrapperSpecShape & { summary: string }): string {
  const line = (name: string, text: string) => `  ${name.padEnd(14)} ${text}`;
  const flag = (name: string, option: { type: string; description: string; env?: string; short?: string }) =>
    `  ${`${option.short ? `-${option.short}, ` : '    '}--${name}${option.type === 'string' ? ' X' : ''}`.padEnd(28)} ${option.description}${option.env ? ` (env ${option.env})` : ''}`;
  return [
    `modelship-${spec.name} — ${spec.summary}`,
    '',
    `Usage: modelship-${spec.name} <command> [options]`,
    '',
    'Contract verbs:',
    ...Object.entries(wrapperVerbs).map(([name, verb]) =>
      line(name, `${verb.summary}\n${' '.repeat(17)}${verb.usage}`),
    ),
    ...(spec.commands && Object.keys(spec.commands).length
      ? [
          '',
          `${spec.name} commands:`,
          ...Object.entries(spec.commands).flatMap(([name, c]) => [
            line(name, `${c.description}${c.usage ? `\n${' '.repeat(17)}${c.usage}` : ''}`),
            ...Object.entries(c.options ?? {}).map(([option, o]) => `    ${flag(option, o)}`),
          ]),
        ]
      : []),
    '',
    ...settingsHelp(spec.name, spec.settings),
    '',
    'Common options:',
    ...Object.entries(wrapperOptions).map(([name, option]) => flag(name, option)),
  ].join('\n');
}

/** One block per setting: its flag, what it is, and the other two places it can be set. */
function settingsHelp(provider: string, settings: SettingFlags): string[] {
  const lines = [
    `${provider} settings (a flag wins over its environment variable, which wins over providers.${provider}.<key> in modelship.config):`,
  ];
  for (const [key, field] of Object.entries(settings)) {
    const flag = settingFlagName(key, field);
    const value = field.type === 'boolean' ? '' : field.type === 'number' ? ' N' : ' X';
    const head = flag ? `${field.short ? `-${field.short}, ` : '    '}--${flag}${value}` : `    (no flag)`;
    const where = [
      field.env ? `env ${field.env}` : undefined,
      field.secret ? 'secret: never in the config file' : `config ${key}`,
    ].filter(Boolean);
    lines.push(`  ${head.padEnd(28)} ${field.description}`, `  ${''.padEnd(28)} (${where.join('; ')})`);
  }
  return lines;
}
