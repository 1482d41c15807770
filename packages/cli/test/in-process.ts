// Runs `modelship` in this process (sources, no build, no spawn) and collects what it wrote.
import { runCli } from '../src/main.js';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runInProcess(
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<InProcessResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    env: { MODELSHIP_ACTOR: 'tester', ...options.env },
    cwd: options.cwd,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
