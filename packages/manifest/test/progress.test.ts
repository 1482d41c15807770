import { describe, expect, it } from 'vitest';
import { createProgress } from '../src/progress.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (text: string) => chunks.push(text) };
}

describe('CLI progress output', () => {
  it('draws a bar on a terminal for large inputs', () => {
    const out = stream(true);
    const progress = createProgress(out, 'hashing');
    progress.start(128 << 20);
    progress.advance(64 << 20);
    progress.advance(64 << 20);
    progress.finish();
    const text = out.chunks.join('');
    expect(text).toContain('\rhashing [');
    expect(text).toMatch(/100% 128\.0 MiB\/128\.0 MiB/);
  });

  it('prints plain lines when not on a terminal, and nothing for small inputs', () => {
    const piped = stream(false);
    const progress = createProgress(piped, 'verifying');
    progress.start(1 << 30);
    progress.advance(1 << 30);
    progress.finish();
    expect(piped.chunks).toEqual([
      'verifying 1.0 GiB...\n',
      expect.stringMatching(/^verifying done: 1\.0 GiB in /),
    ]);
    const small = stream(true);
    const quiet = createProgress(small, 'hashing');
    quiet.start(1000);
    quiet.advance(1000);
    quiet.finish();
    expect(small.chunks).toEqual([]);
  });
});
