import { type CommandResult, createRedactor, ErrorCode } from '@modelship/core';
import { describe, expect, it } from 'vitest';
import { mapPachctlFailure } from '../src/errors.js';
import { mapJobState, mapPipelineState } from '../src/status.js';

const failed = (stderr: string, extra: Partial<CommandResult> = {}): CommandResult => ({
  command: 'pachctl inspect commit regression@abc --raw -o json',
  exitCode: 1,
  stdout: '',
  stderr,
  failed: true,
  timedOut: false,
  aborted: false,
  ...extra,
});

describe('mapping pachctl states and errors', () => {
  it('maps JOB_* and PIPELINE_* states, keeping the raw name', () => {
    expect(mapJobState('JOB_SUCCESS')).toEqual({ unified: 'succeeded', raw: 'JOB_SUCCESS' });
    expect(mapJobState('JOB_FAILURE').unified).toBe('failed');
    expect(mapJobState('JOB_EGRESSING').unified).toBe('running');
    expect(mapJobState('JOB_SOMETHING_NEW')).toEqual({ unified: 'unknown', raw: 'JOB_SOMETHING_NEW' });
    expect(mapPipelineState('PIPELINE_STANDBY').unified).toBe('deployed');
    expect(mapPipelineState('PIPELINE_CRASHING').unified).toBe('failed');
  });

  it.each([
    ['commit abc not found in repo regression', ErrorCode.NotFound, false],
    [
      'rpc error: code = Unauthenticated desc = provided auth token is corrupted or has expired',
      ErrorCode.AuthFailed,
      false,
    ],
    ['rpc error: code = Unavailable desc = connection refused', ErrorCode.Throttled, true],
    ['rpc error: code = ResourceExhausted desc = too many requests', ErrorCode.Throttled, true],
    ['repo housing_data already exists', ErrorCode.Conflict, false],
    ['Error: unknown flag: --raw', ErrorCode.InvalidInput, false],
    ['panic: something else', ErrorCode.Provider, false],
  ])('"%s" → %s', (stderr, code, retryable) => {
    const error = mapPachctlFailure(failed(stderr), 'status', (t) => t);
    expect(error.code).toBe(code);
    expect(error.isRetryable).toBe(retryable);
    expect(error.message).toContain('status: pachctl said');
    expect(error.message).toContain('pachctl inspect commit');
  });

  it('names a missing pachctl, a timeout and an abort, and never repeats a secret', () => {
    expect(mapPachctlFailure(failed('', { exitCode: undefined }), 'upload', (t) => t).message).toMatch(
      /could not run pachctl .*settings\.pachctl \/ PACHCTL/,
    );
    const timeout = mapPachctlFailure(failed('', { timedOut: true }), 'train', (t) => t);
    expect([timeout.code, timeout.isRetryable]).toEqual([ErrorCode.Timeout, true]);
    expect(mapPachctlFailure(failed('', { aborted: true }), 'train', (t) => t).code).toBe(ErrorCode.Aborted);
    const redact = createRedactor(['tok-123456']);
    const leaked = mapPachctlFailure(failed('token tok-123456 is expired (auth token)'), 'tag', redact);
    expect(leaked.message).not.toContain('tok-123456');
    expect(JSON.stringify(leaked.details)).not.toContain('tok-123456');
  });
});
