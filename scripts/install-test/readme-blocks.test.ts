import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { codeBlocks, consoleSession, sessionOutputs, shellScript } from './readme-blocks.js';

describe('README code blocks', () => {
  it('collects TypeScript, JavaScript, shell and console blocks with their line; norun ones do not run', () => {
    const markdown = [
      '# x',
      '```ts',
      "import { a } from 'b';",
      '```',
      '```yaml',
      'a: 1',
      '```',
      '````sh norun',
      'cmd <placeholder>',
      '```',
      '````',
      '```console',
      '$ echo hi',
      'hi',
      '```',
    ].join('\n');
    expect(codeBlocks(markdown)).toEqual([
      { kind: 'script', lang: 'ts', line: 2, code: "import { a } from 'b';", run: true },
      { kind: 'shell', lang: 'sh', line: 8, code: 'cmd <placeholder>\n```', run: false },
      { kind: 'shell', lang: 'console', line: 12, code: '$ echo hi\nhi', run: true },
    ]);
  });

  it('a `# exit N` comment makes that exit status the expected one', () => {
    const script = shellScript('a --to x   # exit 4: waits\nb');
    expect(script).toContain('if a --to x; then status=0; else status=$?; fi; [ "$status" -eq 4 ]');
    expect(script.split('\n')).toEqual(['set -eo pipefail', expect.any(String), 'b', '']);
  });

  it('a console transcript runs in one shell; each command prints what follows it', () => {
    const session = consoleSession('$ echo hi; false\nhi\n$ echo $?\n1\n$ printf ""');
    expect(session.commands).toEqual(['echo hi; false', 'echo $?', 'printf ""']);
    expect(session.expected).toEqual(['hi', '1', '']);
    expect(sessionOutputs(execFileSync('bash', ['-c', session.script], { encoding: 'utf8' }))).toEqual(
      session.expected,
    );
  });
});
