import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/contract/redact.js';
import { isSecretEnvName, secretsFromEnv, secretsNamedByConfig } from '../src/contract/secret-env.js';

describe('secrets the redactor knows without being told', () => {
  it('takes the values of well-known secret variables longer than 8 characters', () => {
    const env = {
      AWS_SECRET_ACCESS_KEY: 'aws-secret-value-1',
      AWS_SESSION_TOKEN: 'session-token-2',
      GITHUB_TOKEN: 'ghp_token_value_3',
      DB_PASSWORD: 'password-value-4',
      STRIPE_API_KEY: 'sk_test_value_5',
      ALGORITHMIA_API_KEY: 'simAlgoKey6',
      WEBHOOK_SECRET: 'short', // too short to redact everywhere
      HOME: '/home/someone-long',
      GITHUB_ACTOR: 'alice-the-approver',
    };
    expect(secretsFromEnv(env).sort()).toEqual(
      [
        'aws-secret-value-1',
        'session-token-2',
        'ghp_token_value_3',
        'password-value-4',
        'sk_test_value_5',
        'simAlgoKey6',
      ].sort(),
    );
    expect(isSecretEnvName('MODELSHIP_LEDGER_SIGNING_KEY')).toBe(true);
    expect(isSecretEnvName('GITHUB_ACTOR')).toBe(false);
  });

  it('takes the values of the variables a config names in …Env keys', () => {
    const config = {
      notifiers: [{ type: 'slack', webhookUrlEnv: 'HOOK' }],
      providers: { x: { keyEnv: 'K' } },
    };
    expect(secretsNamedByConfig(config, { HOOK: 'https://hooks/abc', K: 'key-value' })).toEqual([
      'https://hooks/abc',
      'key-value',
    ]);
  });

  it('redacts a secret as JSON escapes it and a multi-line secret line by line', () => {
    const redact = createRedactor(['pa"ss\\word-123']);
    expect(redact(JSON.stringify({ v: 'pa"ss\\word-123' }))).toBe('{"v":"***"}');
    const pem =
      '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAbcdefghijklmnopqrstuvwxyz012345\n-----END PRIVATE KEY-----';
    const lines = createRedactor([pem]);
    expect(lines('leaked: MC4CAQAwBQYDK2VwBCIEIAbcdefghijklmnopqrstuvwxyz012345')).toBe('leaked: ***');
  });
});
