// GitHub Actions integration: step outputs, the job summary and error annotations.
// Active only when GITHUB_ACTIONS=true; every write is an append, as the runner expects.

import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { CliIo } from './io.js';

export interface GithubActions {
  setOutputs(outputs: Record<string, string | undefined>): void;
  summary(markdown: string): void;
  error(message: string, title?: string): void;
  /** Link to the workflow run, when the runner says where it is. */
  runUrl: string | undefined;
}

/** `%`, CR and LF are escaped in workflow command data (as @actions/core does). */
export function escapeCommandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function formatOutput(name: string, value: string): string {
  if (!/[\r\n]/.test(value)) return `${name}=${value}\n`;
  const delimiter = `ghadelimiter_${randomBytes(8).toString('hex')}`;
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

export function githubActions(io: CliIo, json: boolean): GithubActions | undefined {
  const env = io.env;
  if (env.GITHUB_ACTIONS !== 'true') return undefined;
  const runUrl =
    env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  return {
    runUrl,
    setOutputs(outputs) {
      if (!env.GITHUB_OUTPUT) return;
      const text = Object.entries(outputs)
        .filter((entry): entry is [string, string] => entry[1] !== undefined)
        .map(([name, value]) => formatOutput(name, value))
        .join('');
      if (text) appendFileSync(env.GITHUB_OUTPUT, io.redact ? io.redact(text) : text);
    },
    summary(markdown) {
      const text = `${markdown.trimEnd()}\n\n`;
      if (env.GITHUB_STEP_SUMMARY)
        appendFileSync(env.GITHUB_STEP_SUMMARY, io.redact ? io.redact(text) : text);
    },
    error(message, title = 'modelship') {
      // With --json, stdout carries only the JSON document; the runner reads commands from stderr too.
      const stream = json ? io.stderr : io.stdout;
      stream.write(
        `::error title=${escapeCommandData(title).replace(/[:,]/g, ' ')}::${escapeCommandData(message)}\n`,
      );
    },
  };
}
