import type { StdioOptions } from 'node:child_process';
export function installWheel(work: string, options?: { stdio?: StdioOptions }): Promise<string>;
export function runWheelTests(
  venvPython: string,
  options?: { reports?: string; cwd?: string; stdio?: StdioOptions },
): Promise<number>;
