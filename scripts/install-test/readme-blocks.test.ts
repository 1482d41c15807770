import { describe, expect, it } from 'vitest';
import { codeBlocks, shellScript } from './readme-blocks.js';

describe('README code blocks', () => {
  it('collects TypeScript, JavaScript and shell blocks with their line; norun and console do not run', () => {
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
      { kind: 'shell', lang: 'console', line: 12, code: '$ echo hi\nhi', run: false },
    ]);
  });

  it('a `# exit N` comment makes that exit status the expected one', () => {
    const script = shellScript('a --to x   # exit 4: waits\nb');
    expect(script).toContain('if a --to x; then status=0; else status=$?; fi; [ "$status" -eq 4 ]');
    expect(script.split('\n')).toEqual(['set -eo pipefail', expect.any(String), 'b', '']);
  });
});
