import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Provenance } from './schemas.js';

export interface CaptureProvenanceOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  now?: Date;
}

function git(args: string[], cwd: string): Promise<string | null> {
  return new Promise((resolvePromise) => {
    execFile('git', args, { cwd, timeout: 10_000, windowsHide: true }, (error, stdout) => {
      resolvePromise(error ? null : stdout.replace(/\s+$/, ''));
    });
  });
}

/** `git@github.com:owner/name.git` or `https://github.com/owner/name` → `owner/name`; other URLs as they are, minus credentials. */
export function repositoryFromRemote(url: string): string {
  const github = /github\.com[:/]([^/]+\/[^/]+?)(?:\.git)?\/?$/.exec(url);
  if (github) return github[1]!;
  return url.replace(/\/\/[^@/]+@/, '//');
}

async function headCommitMessage(eventPath: string | undefined): Promise<string | null> {
  if (!eventPath) return null;
  try {
    const event = JSON.parse(await readFile(eventPath, 'utf8'));
    const message = event?.head_commit?.message ?? event?.pull_request?.title;
    return typeof message === 'string' ? message : null;
  } catch {
    return null;
  }
}

const empty = (value: string | undefined): string | null =>
  value === undefined || value === '' ? null : value;

/**
 * Where a model came from: GitHub Actions variables when running in Actions, else the local git
 * checkout, else an explicit `source: "unknown"` with null fields. Never throws.
 */
export async function captureProvenance(options: CaptureProvenanceOptions = {}): Promise<Provenance> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const uploadedAt = (options.now ?? new Date()).toISOString();
  if (env.GITHUB_ACTIONS === 'true' || env.GITHUB_SHA) {
    const commit = empty(env.GITHUB_SHA);
    return {
      source: 'github-actions',
      repository: empty(env.GITHUB_REPOSITORY),
      ref: empty(env.GITHUB_REF),
      commit,
      commitMessage:
        (await headCommitMessage(env.GITHUB_EVENT_PATH)) ??
        (commit ? await git(['log', '-1', '--format=%B', commit], cwd) : null),
      workflow: empty(env.GITHUB_WORKFLOW_REF) ?? empty(env.GITHUB_WORKFLOW),
      runId: empty(env.GITHUB_RUN_ID),
      runAttempt: empty(env.GITHUB_RUN_ATTEMPT),
      actor: empty(env.GITHUB_ACTOR),
      uploadedAt,
    };
  }
  const commit = await git(['rev-parse', '--verify', '-q', 'HEAD'], cwd);
  if (commit) {
    const [ref, message, remote] = await Promise.all([
      git(['symbolic-ref', '-q', 'HEAD'], cwd),
      git(['log', '-1', '--format=%B', commit], cwd),
      git(['config', '--get', 'remote.origin.url'], cwd),
    ]);
    return {
      source: 'git',
      repository: remote ? repositoryFromRemote(remote) : null,
      ref,
      commit,
      commitMessage: message,
      workflow: null,
      runId: null,
      runAttempt: null,
      actor: empty(env.USER) ?? empty(env.USERNAME),
      uploadedAt,
    };
  }
  return {
    source: 'unknown',
    repository: null,
    ref: null,
    commit: null,
    commitMessage: null,
    workflow: null,
    runId: null,
    runAttempt: null,
    actor: null,
    uploadedAt,
  };
}
