import { type CommandName, type CommandSpec, commands, globalOptions, usageLine } from './args.js';
import { exitCodeHelp } from './exit-codes.js';

function optionLines(options: CommandSpec['options']): string[] {
  return Object.entries(options).map(([name, option]) => {
    const flag = `${'short' in option && option.short ? `-${option.short}, ` : '    '}--${name}${option.type === 'string' ? ` ${option.placeholder ?? 'X'}` : ''}`;
    return `  ${flag.padEnd(34)} ${option.description}`;
  });
}

export function mainHelp(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length)) + 2;
  return [
    'modelship — promote ML models dev → staging → production, with gates, approvals and verified manifests',
    '',
    'Usage: modelship <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, spec]) => `  ${name.padEnd(width)} ${spec.summary}`),
    '',
    'Global options (every command):',
    ...optionLines(globalOptions),
    '',
    exitCodeHelp,
    '',
    'Provider wrappers: modelship-local, modelship-sagemaker, modelship-metaflow, modelship-algorithmia,',
    'modelship-pachyderm, modelship-iguazio (verbs upload, train, tag, deploy, status, plus their own).',
    'In GitHub Actions (GITHUB_ACTIONS=true) results also go to $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY.',
    'Run `modelship <command> --help` for a command’s options.',
  ].join('\n');
}

export function commandHelp(name: CommandName): string {
  const spec: CommandSpec = commands[name];
  return [
    `modelship ${name} — ${spec.summary}`,
    '',
    `Usage: modelship ${name} ${usageLine(spec)}`,
    '',
    ...(Object.keys(spec.options).length ? ['Options:', ...optionLines(spec.options), ''] : []),
    'Global options:',
    ...optionLines(globalOptions),
    '',
    exitCodeHelp,
  ].join('\n');
}
