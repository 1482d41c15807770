import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeCommandData, formatOutput, githubActions } from '../src/github.js';
import { createCliProgress } from '../src/progress.js';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, write: (text: string) => chunks.push(text) } };
}

describe('GitHub Actions files', () => {
  it('append outputs (multi-line values with a delimiter), the summary and escaped annotations', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gha-'));
    const output = join(dir, 'output');
    const summary = join(dir, 'summary');
    writeFileSync(output, 'earlier=1\n');
    const out = sink(false);
    const gha = githubActions(
      {
        stdout: out.stream,
        stderr: sink(false).stream,
        cwd: dir,
        env: {
          GITHUB_ACTIONS: 'true',
          GITHUB_OUTPUT: output,
          GITHUB_STEP_SUMMARY: summary,
          GITHUB_REPOSITORY: 'o/r',
          GITHUB_RUN_ID: '7',
        },
      },
      false,
    )!;
    gha.setOutputs({ version: 'v1', skipped: undefined, refs: 'a\nb' });
    gha.summary('## board');
    gha.error('50% failed\nsee log');
    const written = readFileSync(output, 'utf8');
    expect(written).toMatch(/^earlier=1\nversion=v1\nrefs<<(ghadelimiter_[0-9a-f]+)\na\nb\n\1\n$/);
    expect(readFileSync(summary, 'utf8')).toBe('## board\n\n');
    expect(out.chunks.join('')).toBe('::error title=modelship::50%25 failed%0Asee log\n');
    expect(gha.runUrl).toBe('https://github.com/o/r/actions/runs/7');
    expect(escapeCommandData('a\r\n')).toBe('a%0D%0A');
    expect(formatOutput('k', 'v')).toBe('k=v\n');
  });

  it('stay off outside GitHub Actions', () => {
    expect(
      githubActions({ stdout: sink(false).stream, stderr: sink(false).stream, cwd: '.', env: {} }, false),
    ).toBeUndefined();
  });
});

describe('progress', () => {
  it('redraws a bar on a terminal and ends it with a newline', () => {
    let now = 0;
    const out = sink(true);
    const progress = createCliProgress(out.stream, { now: () => now });
    progress({ task: 'hash', done: 0, total: 2048, unit: 'bytes' });
    now = 200;
    progress({ task: 'hash', done: 1024, total: 2048, unit: 'bytes' });
    progress({ task: 'hash', done: 2048, total: 2048, unit: 'bytes', finished: true });
    expect(out.chunks[0]).toContain('hash [############............]  50% 1.0 KiB/2.0 KiB');
    expect(out.chunks.at(-1)).toMatch(/100% 2\.0 KiB\/2\.0 KiB\x1b\[K\n$/);
  });

  it('prints periodic plain lines off a terminal, and nothing for quick tasks', () => {
    let now = 0;
    const out = sink(false);
    const progress = createCliProgress(out.stream, { now: () => now, lineEveryMs: 1000 });
    progress({ task: 'quick', done: 1, total: 1, finished: true });
    progress({ task: 'wait job', done: 0, unit: 'seconds' });
    now = 1500;
    progress({ task: 'wait job', done: 1.5, unit: 'seconds' });
    now = 1600;
    progress({ task: 'wait job', done: 1.6, unit: 'seconds', finished: true });
    expect(out.chunks).toEqual(['wait job: 2 seconds\n', 'wait job: 2 seconds done\n']);
  });
});
