// Code blocks of a README, as the docs test runs them. A fence's info string is the language and,
// after it, words for the harness: `norun` marks a block that cannot run here (a synopsis, a
// command that needs a real cloud account); it is reported as a skipped test. A `console` block is
// a transcript: its `$ ` lines run in one shell and each must print what follows it.

export type BlockKind = 'script' | 'shell';

export interface CodeBlock {
  kind: BlockKind;
  lang: string;
  /** 1-based line of the opening fence, for test names and error messages. */
  line: number;
  code: string;
  run: boolean;
}

const kinds: Record<string, BlockKind> = {
  ts: 'script',
  typescript: 'script',
  js: 'script',
  javascript: 'script',
  mjs: 'script',
  sh: 'shell',
  bash: 'shell',
  shell: 'shell',
  console: 'shell',
};

/** Every TypeScript/JavaScript and shell block; other languages (yaml, json, python…) are not collected. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang = '', rest = ''] = open;
    const closes = (line: string) =>
      line.trim().length >= fence!.length && [...line.trim()].every((char) => char === fence![0]);
    const close = lines.findIndex((line, j) => j > i && closes(line));
    const end = close < 0 ? lines.length : close;
    const kind = kinds[lang.toLowerCase()];
    if (kind) {
      const code = lines
        .slice(i + 1, end)
        .map((line) => (line.startsWith(indent!) ? line.slice(indent!.length) : line))
        .join('\n');
      const run = !rest.split(/\s+/).includes('norun');
      blocks.push({ kind, lang, line: i + 1, code, run });
    }
    i = end;
  }
  return blocks;
}

/**
 * A shell block as a bash script: stops at the first failing command, except that a command whose
 * comment says `# exit N` (as in `modelship promote … # exit 4: waits for approval`) must exit N.
 */
export function shellScript(code: string): string {
  const body = code.split('\n').map((line) => {
    const expected = /^(?<command>[^#]*?\S)\s+#\s*exit (?<status>\d+)\b/.exec(line)?.groups;
    if (!expected || expected.command!.endsWith('\\')) return line;
    const quoted = JSON.stringify(expected.command!.trim()).replaceAll('$', '\\$').replaceAll('`', '\\`');
    return (
      `if ${expected.command}; then status=0; else status=$?; fi; ` +
      `[ "$status" -eq ${expected.status} ] || { echo "README: expected exit ${expected.status}, got $status from "${quoted} >&2; exit 1; }`
    );
  });
  return ['set -eo pipefail', ...body, ''].join('\n');
}

const marker = '@@modelship-readme-step@@';

/**
 * A `console` transcript as a bash script that runs every `$ ` command in one shell (so `echo $?`
 * sees the previous command), each followed by a marker line; `expected` is each command's output.
 */
export function consoleSession(code: string): { script: string; commands: string[]; expected: string[] } {
  const commands: string[] = [];
  const expected: string[] = [];
  for (const line of code.split('\n')) {
    if (line.startsWith('$ ')) {
      commands.push(line.slice(2));
      expected.push('');
    } else if (commands.length > 0) expected[expected.length - 1] += `${line}\n`;
  }
  const script = commands
    .map((command) => `${command} 2>&1; status=$?; echo ${marker}; (exit $status)`)
    .join('\n');
  return { script: `${script}\n`, commands, expected: expected.map((output) => output.trimEnd()) };
}

/** The output of each command of a `consoleSession` script, split at the markers. */
export function sessionOutputs(stdout: string): string[] {
  return stdout
    .split(`${marker}\n`)
    .slice(0, -1)
    .map((output) => output.trimEnd());
}
