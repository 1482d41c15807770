// Flags the double understands, spelled as pachctl v2.x spells them (cobra: `--flag value`,
// `--flag=value`, `-f value`). An unknown flag fails like cobra does: `Error: unknown flag: --x`.
import { PachError } from './state.js';

const valueFlags: Record<string, string> = {
  '-o': 'output',
  '--output': 'output',
  '-f': 'file',
  '--file': 'file',
  '--head': 'head',
  '-m': 'description',
  '--message': 'description',
  '--description': 'description',
  '-p': 'pipeline',
  '--pipeline': 'pipeline',
  '--progress': 'progress',
  '--provenance': 'provenance',
  '--history': 'history',
  '-n': 'number',
  '--number': 'number',
  '--origin': 'origin',
};

const booleanFlags: Record<string, string> = {
  '--raw': 'raw',
  '-r': 'recursive',
  '--recursive': 'recursive',
  '--reprocess': 'reprocess',
  '-a': 'append',
  '--append': 'append',
  '--all': 'all',
  '-v': 'verbose',
  '--verbose': 'verbose',
  '--no-color': 'noColor',
  '--full-timestamps': 'fullTimestamps',
  '--enterprise': 'enterprise',
  '--client-only': 'clientOnly',
};

export interface ParsedArgs {
  words: string[];
  flags: Record<string, string | true>;
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const words: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-') || arg === '-') {
      words.push(arg);
      continue;
    }
    const [name, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const bool = booleanFlags[name];
    if (bool) {
      flags[bool] = inline === undefined ? true : inline;
      continue;
    }
    const key = valueFlags[name];
    if (!key) throw new PachError(`unknown flag: ${name}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new PachError(`flag needs an argument: ${name}`);
    flags[key] = value;
  }
  return { words, flags };
}

/** Splits `repo@ref` (and `repo@ref:/path`) the way pachctl's ParseCommit/ParseFile do. */
export function parseRef(
  text: string | undefined,
  what: string,
): { repo: string; ref: string; path: string } {
  const match = /^([\w.-]+)(?:@([^:]+))?(?::(.*))?$/.exec(text ?? '');
  if (!match?.[1]) throw new PachError(`invalid ${what} "${text ?? ''}": expected <repo>@<branch-or-commit>`);
  return { repo: match[1], ref: match[2] ?? 'master', path: match[3] ?? '/' };
}
