import { describe, expect, it } from 'vitest';
import {
  createCommandRunner,
  createRedactor,
  createStatusMapper,
  ErrorCode,
  InvalidInputError,
  ModelshipError,
  ProviderError,
} from '../src/index.js';

const FAKE_TOKEN = 'testing-secret-value-1234';

describe('redactor', () => {
  it('hides known secrets, their URL-encoded form and URL credentials', () => {
    const redact = createRedactor([FAKE_TOKEN]);
    expect(redact(`key=${FAKE_TOKEN}`)).toBe('key=***');
    expect(redact(`q=${encodeURIComponent('a b/secret')}`)).toContain('a%20b');
    expect(redact('git push https://user:pa55word@git.example/repo.git')).toBe(
      'git push https://user:***@git.example/repo.git',
    );
    expect(redact('https://tokenonly@host/x')).toBe('https://***@host/x');
  });
});

describe('errors', () => {
  it('carry a code, retryability and a cross-copy marker', () => {
    const error = new ProviderError('throttled by SageMaker', {
      provider: 'sagemaker',
      operation: 'CreateModel',
      code: ErrorCode.Throttled,
      rawCode: 'ThrottlingException',
    });
    expect(ModelshipError.isInstance(error)).toBe(true);
    expect(error.isRetryable).toBe(true);
    expect(ModelshipError.hasCode(new InvalidInputError('bad'), ErrorCode.InvalidInput)).toBe(true);
    expect(ModelshipError.isInstance(new Error('plain'))).toBe(false);
  });
});

describe('status mapping', () => {
  it('keeps the raw value and maps unknown states to unknown', () => {
    const map = createStatusMapper({ InService: 'deployed', Failed: 'failed' });
    expect(map('InService')).toEqual({ unified: 'deployed', raw: 'InService' });
    expect(map('Weird')).toEqual({ unified: 'unknown', raw: 'Weird' });
  });
});

describe('default command runner', () => {
  const lines: string[] = [];
  const logger = {
    debug: (m: string) => lines.push(m),
    info: (m: string) => lines.push(m),
    warn: (m: string) => lines.push(m),
    error: (m: string) => lines.push(m),
  };

  it('never rejects on failure, streams output and redacts secrets from everything it prints', async () => {
    const run = createCommandRunner({ logger, redact: createRedactor([FAKE_TOKEN]) });
    const result = await run('sh', ['-c', `echo token is ${FAKE_TOKEN}; exit 3`, FAKE_TOKEN]);
    expect(result.failed).toBe(true);
    expect(result.exitCode).toBe(3);
    expect(result.command).not.toContain(FAKE_TOKEN);
    expect(lines.join('\n')).toContain('token is ***');
    expect(lines.join('\n')).not.toContain(FAKE_TOKEN);
  });

  it('passes stdin and honours the abort signal', async () => {
    const run = createCommandRunner({ logger, redact: createRedactor() });
    expect((await run('cat', [], { input: 'hello', stream: false })).stdout).toBe('hello');
    const controller = new AbortController();
    const pending = run('sleep', ['10'], { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const result = await pending;
    expect(result.aborted).toBe(true);
  });
});
