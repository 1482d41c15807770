import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SettingFlags } from '../../src/contract/cli-spec.js';
import { ErrorCode, type ModelshipError } from '../../src/contract/errors.js';
import {
  checkGivenSettings,
  kebabCase,
  parseS3Uri,
  resolveSettings,
  resolveSettingValues,
  secretValues,
} from '../../src/provider-kit/index.js';

const schema = z.strictObject({
  root: z.string().optional(),
  startTimeoutMs: z.number().int().positive().optional(),
  verbose: z.boolean().optional(),
  apiKey: z.string().optional(),
  train: z.strictObject({ command: z.string() }).optional(),
});
const fields: SettingFlags = {
  root: { description: 'store', env: 'DEMO_ROOT' },
  startTimeoutMs: { type: 'number', description: 'ms', env: 'DEMO_START_TIMEOUT_MS' },
  verbose: { type: 'boolean', description: 'chatty', env: 'DEMO_VERBOSE' },
  apiKey: { description: 'key', env: 'DEMO_API_KEY', secret: true },
  train: { type: 'json', flag: false, description: 'command' },
};
const path = '/w/modelship.config.yaml';
const thrown = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as ModelshipError;
  }
  throw new Error('expected an error');
};

describe('provider settings: flag > environment > config, one schema', () => {
  it('takes each key from the first source that has it', () => {
    const settings = resolveSettings(schema, {
      provider: 'demo',
      fields,
      flags: { root: '/from/flag', model: 'ignored: not a setting' },
      env: { DEMO_ROOT: '/from/env', DEMO_START_TIMEOUT_MS: '30000' },
      config: { settings: { root: '/from/config', startTimeoutMs: 5, train: { command: 'make' } }, path },
    });
    expect(settings).toEqual({ root: '/from/flag', startTimeoutMs: 30_000, train: { command: 'make' } });
  });

  it('config keys are the schema keys: camelCase works, kebab-case is an unknown key naming the known ones', () => {
    expect(
      resolveSettings(schema, {
        provider: 'demo',
        fields,
        env: {},
        config: { settings: { startTimeoutMs: 9 }, path },
      }),
    ).toEqual({ startTimeoutMs: 9 });
    const error = thrown(() =>
      resolveSettingValues({
        provider: 'demo',
        fields,
        env: {},
        config: { settings: { 'start-timeout-ms': 9 }, path },
      }),
    );
    expect(error.code).toBe(ErrorCode.ConfigInvalid);
    expect(error.message).toBe(
      `${path}: providers.demo.start-timeout-ms is not a demo setting; known: root, startTimeoutMs, verbose, apiKey, train (keys are camelCase, as in the provider's settingsSchema)`,
    );
  });

  it('refuses a secret in the config file, naming the environment variable to use', () => {
    const error = thrown(() =>
      resolveSettingValues({
        provider: 'demo',
        fields,
        env: {},
        config: { settings: { apiKey: 'k-123' }, path },
      }),
    );
    expect(error.message).toContain(
      'providers.demo.apiKey is a secret and must not be in a config file; set DEMO_API_KEY',
    );
    expect(error.message).not.toContain('k-123');
  });

  it('coerces flag and environment strings by type and names the source of a bad value', () => {
    expect(resolveSettings(schema, { provider: 'demo', fields, env: { DEMO_VERBOSE: 'true' } })).toEqual({
      verbose: true,
    });
    expect(
      thrown(() => resolveSettingValues({ provider: 'demo', fields, env: { DEMO_START_TIMEOUT_MS: 'soon' } }))
        .message,
    ).toBe('DEMO_START_TIMEOUT_MS is "soon", not a number');
    const invalid = thrown(() =>
      resolveSettings(schema, { provider: 'demo', fields, env: {}, flags: { 'start-timeout-ms': '-5' } }),
    );
    expect(invalid.code).toBe(ErrorCode.InvalidInput);
    expect(invalid.message).toMatch(/^invalid demo settings: --start-timeout-ms: /);
    const fromConfig = thrown(() =>
      resolveSettings(schema, { provider: 'demo', fields, env: {}, config: { settings: { root: 7 }, path } }),
    );
    expect(fromConfig.message).toMatch(new RegExp(`^invalid demo settings: ${path}: providers.demo.root: `));
  });

  it('checks settings given in code by the schema; programmatic keys pass through unchecked', () => {
    const fetcher = async () => new Response('');
    const given = { root: '/r', verbose: undefined, fetch: fetcher };
    expect(checkGivenSettings(schema, given, ['fetch'], 'demo')).toEqual({ root: '/r', fetch: fetcher });
    const unknown = thrown(() => checkGivenSettings(schema, { root: '/r', rooot: '/x' }, [], 'demo'));
    expect(unknown.message).toMatch(/^invalid demo settings: demo settings: Unrecognized key: "rooot"/);
  });

  it('collects secret values to redact, and derives kebab-case flag names', () => {
    expect(secretValues(fields, { apiKey: 's3cr3t', root: '/r' })).toEqual(['s3cr3t']);
    expect(kebabCase('startTimeoutMs')).toBe('start-timeout-ms');
  });
});

describe('parseS3Uri', () => {
  it('splits bucket and key, and refuses anything else naming what was given', () => {
    expect(parseS3Uri('s3://bucket/a/b/')).toEqual({ bucket: 'bucket', key: 'a/b/' });
    expect(parseS3Uri('s3://bucket')).toEqual({ bucket: 'bucket', key: '' });
    expect(thrown(() => parseS3Uri('https://x/y', 'settings.bucket')).message).toBe(
      'settings.bucket "https://x/y" is not an s3:// URI; write it as s3://<bucket>/<key>',
    );
  });
});
