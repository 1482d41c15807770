import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureProvenance, repositoryFromRemote } from '../src/index.js';
import { temporaryDir } from './helpers.js';

const now = new Date('2026-01-02T03:04:05.678Z');

describe('captureProvenance', () => {
  it('reads GitHub Actions variables and the head commit message from the event file', async () => {
    const dir = await temporaryDir();
    const eventPath = join(dir, 'event.json');
    await writeFile(eventPath, JSON.stringify({ head_commit: { message: 'Retrain on new data\n\nmore' } }));
    const provenance = await captureProvenance({
      now,
      cwd: dir,
      env: {
        GITHUB_ACTIONS: 'true',
        GITHUB_REPOSITORY: 'acme/churn',
        GITHUB_REF: 'refs/heads/main',
        GITHUB_SHA: 'b4aba5bae66affd5194e35803392dc34e99d154e',
        GITHUB_RUN_ID: '42',
        GITHUB_RUN_ATTEMPT: '2',
        GITHUB_ACTOR: 'octocat',
        GITHUB_WORKFLOW_REF: 'acme/churn/.github/workflows/train.yml@refs/heads/main',
        GITHUB_EVENT_PATH: eventPath,
      },
    });
    expect(provenance).toEqual({
      source: 'github-actions',
      repository: 'acme/churn',
      ref: 'refs/heads/main',
      commit: 'b4aba5bae66affd5194e35803392dc34e99d154e',
      commitMessage: 'Retrain on new data\n\nmore',
      workflow: 'acme/churn/.github/workflows/train.yml@refs/heads/main',
      runId: '42',
      runAttempt: '2',
      actor: 'octocat',
      uploadedAt: '2026-01-02T03:04:05.678Z',
    });
  });

  it('falls back to the local git checkout', async () => {
    const dir = await temporaryDir();
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
    git('init', '-q', '-b', 'trainer');
    git('remote', 'add', 'origin', 'git@github.com:acme/churn.git');
    await writeFile(join(dir, 'train.py'), 'print(1)\n');
    git('add', '.');
    git('-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'First model');
    const provenance = await captureProvenance({ cwd: dir, env: { USER: 'alice' }, now });
    expect(provenance).toMatchObject({
      source: 'git',
      repository: 'acme/churn',
      ref: 'refs/heads/trainer',
      commit: git('rev-parse', 'HEAD'),
      commitMessage: 'First model',
      actor: 'alice',
    });
  });

  it('says "unknown" explicitly outside git instead of crashing', async () => {
    const dir = await temporaryDir();
    const provenance = await captureProvenance({ cwd: dir, now });
    expect(provenance).toMatchObject({ source: 'unknown', commit: null, repository: null });
  });

  it('normalises remotes and strips credentials', () => {
    expect(repositoryFromRemote('https://github.com/acme/churn.git')).toBe('acme/churn');
    expect(repositoryFromRemote('https://user:token@gitlab.example/acme/churn.git')).toBe(
      'https://gitlab.example/acme/churn.git',
    );
  });
});
