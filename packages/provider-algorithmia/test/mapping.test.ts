import { ErrorCode } from '@modelship/core';
import { describe, expect, it } from 'vitest';
import { outputsMatch } from '../src/build.js';
import { errorCodeForStatus } from '../src/errors.js';
import { createAlgorithmiaProvider, settingsSchema } from '../src/index.js';
import { repoKind } from '../src/settings.js';
import { mapBuildStatus } from '../src/status.js';
import { uploadFileName } from '../src/upload.js';

describe('pure mappings', () => {
  it('maps build states keeping raw', () => {
    expect(mapBuildStatus('in-progress')).toEqual({ unified: 'running', raw: 'in-progress' });
    expect(mapBuildStatus('succeeded')).toEqual({ unified: 'succeeded', raw: 'succeeded' });
    expect(mapBuildStatus('failed')).toEqual({ unified: 'failed', raw: 'failed' });
    expect(mapBuildStatus('queued')).toEqual({ unified: 'unknown', raw: 'queued' });
  });

  it('maps HTTP statuses to error codes', () => {
    expect(errorCodeForStatus(401)).toBe(ErrorCode.AuthFailed);
    expect(errorCodeForStatus(403)).toBe(ErrorCode.AuthFailed);
    expect(errorCodeForStatus(404)).toBe(ErrorCode.NotFound);
    expect(errorCodeForStatus(429)).toBe(ErrorCode.Throttled);
    expect(errorCodeForStatus(400)).toBe(ErrorCode.InvalidInput);
    expect(errorCodeForStatus(503)).toBe(ErrorCode.Provider);
  });

  it('names uploads <stem>_<sha><ext> like the action', () => {
    expect(uploadFileName('/w/model.pkl', 'abc123')).toBe('model_abc123.pkl');
    expect(uploadFileName('model', 'abc123')).toBe('model_abc123');
    expect(uploadFileName('model.tar.gz', 'abc')).toBe('model.tar_abc.gz');
  });

  it('recognises Algorithmia-backed, GitHub-backed and local repository URLs', () => {
    expect(repoKind('https://git.algorithmia.com/git/demo/housing.git')).toBe('algorithmia');
    expect(repoKind('https://git.enterprise.example.com/git/demo/housing.git')).toBe('algorithmia');
    expect(repoKind('https://github.com/acme/housing.git')).toBe('github');
    expect(repoKind('file:///tmp/algo.git')).toBe('local');
    expect(repoKind('/tmp/algo.git')).toBe('local');
  });

  it('compares algorithm outputs with a numeric tolerance', () => {
    expect(outputsMatch({ p: [1.004], s: 'a' }, { p: [1], s: 'a' }, 0.01)).toBe(true);
    expect(outputsMatch({ p: [1.1] }, { p: [1] }, 0.01)).toBe(false);
    expect(outputsMatch({ p: 1 }, { p: 1, extra: 2 }, 0)).toBe(false);
    expect(outputsMatch([1, 2], [1], 0)).toBe(false);
  });

  it('checks settings given in code against settingsSchema, naming the bad key', () => {
    expect(() => createAlgorithmiaProvider({ versionType: 'huge' as 'minor' })).toThrow(
      /invalid algorithmia settings: algorithmia setting versionType: /,
    );
    expect(() => createAlgorithmiaProvider({ algoRepoUrl: 'x' } as never)).toThrow(
      /algorithmia settings: Unrecognized key: "algoRepoUrl"/,
    );
    expect(settingsSchema.safeParse({ username: 'demo', algoName: 'a' }).success).toBe(true);
  });
});
