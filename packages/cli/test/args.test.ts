import { describe, expect, it } from 'vitest';
import { argvToOptions, keyValues } from '../src/args.js';
import { exitCodeFor, UsageError } from '../src/exit-codes.js';
import { argvToWrapperOptions, providerFlags, wrapperHelp } from '../src/wrapper-args.js';

const usage = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('argvToOptions', () => {
  it('parses a promote with global flags before and after the command', () => {
    const parsed = argvToOptions([
      '--ledger',
      's3://b/p',
      'promote',
      'housing',
      'v1',
      '--to',
      'staging',
      '--json',
    ]);
    expect(parsed).toMatchObject({
      command: 'promote',
      args: { model: 'housing', version: 'v1' },
      json: true,
      ledger: 's3://b/p',
      values: { to: 'staging' },
    });
  });

  it('keeps the training command after --', () => {
    const parsed = argvToOptions([
      'train',
      'housing',
      '--register',
      '--param',
      'alpha=0.1',
      '--',
      'node',
      'train.mjs',
      '--fast',
    ]);
    expect(parsed).toMatchObject({
      command: 'train',
      tail: ['node', 'train.mjs', '--fast'],
      values: { register: true, param: ['alpha=0.1'] },
    });
  });

  it('gives help for no command, help <command> and --help', () => {
    expect(argvToOptions([])).toEqual({ command: 'help', topic: undefined });
    expect(argvToOptions(['help', 'promote'])).toEqual({ command: 'help', topic: 'promote' });
    expect(argvToOptions(['status', '--help'])).toEqual({ command: 'help', topic: 'status' });
    expect(argvToOptions(['--version'])).toEqual({ command: 'version' });
  });

  it('names what is wrong and how to fix it', () => {
    expect(usage(() => argvToOptions(['promte']))).toContain('unknown command "promte"');
    expect(usage(() => argvToOptions(['promote', 'housing', 'v1']))).toContain('--to is required');
    expect(usage(() => argvToOptions(['approve', 'housing']))).toContain('missing <version>');
    expect(usage(() => argvToOptions(['status', '--colour']))).toContain("Unknown option '--colour'");
    expect(usage(() => argvToOptions(['history', 'm', '--format', 'svg']))).toContain(
      'table, json or mermaid',
    );
    expect(usage(() => argvToOptions(['ledger', 'repair']))).toContain('ledger verify');
    expect(usage(() => argvToOptions(['status', 'a', 'b']))).toContain('unexpected argument "b"');
  });

  it('passes manifest arguments through untouched', () => {
    expect(argvToOptions(['manifest', 'verify', 'm/modelship.manifest.json', '--json'])).toMatchObject({
      command: 'manifest',
      raw: ['verify', 'm/modelship.manifest.json', '--json'],
      json: true,
    });
  });

  it('types K=V pairs and rejects malformed ones', () => {
    expect(keyValues(['a=1', 'b=true', 'c=x', 'd='], 'param')).toEqual({ a: 1, b: true, c: 'x', d: '' });
    expect(usage(() => keyValues(['oops'], 'param'))).toContain('--param "oops"');
  });
});

describe('exit codes', () => {
  it('map error codes: usage 2, gate 1, race 3, approval 4, not allowed 5, integrity 1, bad manifest 2', () => {
    expect(exitCodeFor(new UsageError('x'))).toBe(2);
    expect(exitCodeFor({ code: 'invalid_input' })).toBe(2);
    expect(exitCodeFor({ code: 'illegal_transition' })).toBe(2);
    expect(exitCodeFor({ code: 'gate_failed' })).toBe(1);
    expect(exitCodeFor({ code: 'race_lost' })).toBe(3);
    expect(exitCodeFor({ code: 'approval_required' })).toBe(4);
    expect(exitCodeFor({ code: 'not_allowed' })).toBe(5);
    expect(exitCodeFor({ code: 'integrity' })).toBe(1);
    expect(exitCodeFor({ code: 'MODEL_DIGEST_MISMATCH' })).toBe(1);
    expect(exitCodeFor({ code: 'MANIFEST_INVALID_FIELD' })).toBe(2);
    expect(exitCodeFor(new Error('boom'))).toBe(1);
  });
});

describe('argvToWrapperOptions', () => {
  const spec = {
    name: 'demo',
    settings: { apiKey: { description: 'key', env: 'DEMO_API_KEY', secret: true } },
    commands: { publish: { description: 'publish' } },
  };

  it('parses a verb with provider options, refs and a -- tail', () => {
    const parsed = argvToWrapperOptions(spec, [
      'train',
      '--model',
      'm',
      '--api-key',
      'k',
      '--',
      'python',
      'train.py',
    ]);
    expect(parsed).toMatchObject({
      verb: 'train',
      values: { model: 'm', 'api-key': 'k' },
      tail: ['python', 'train.py'],
    });
  });

  it('accepts the provider extras and refuses unknown verbs', () => {
    expect(argvToWrapperOptions(spec, ['publish']).verb).toBe('publish');
    expect(usage(() => argvToWrapperOptions(spec, ['explode']))).toContain(
      'known: upload, train, tag, deploy, status, publish',
    );
    expect(argvToWrapperOptions(spec, []).help).toBe(true);
  });
});

describe('wrapper flags and help from a provider settings schema', () => {
  const spec = {
    name: 'demo',
    summary: 'a demo provider',
    settings: {
      apiKey: { description: 'API key', env: 'DEMO_API_KEY', secret: true },
      pollIntervalMs: { type: 'number' as const, description: 'poll interval', env: 'DEMO_POLL_INTERVAL_MS' },
      dryRun: { type: 'boolean' as const, description: 'change nothing' },
      train: { type: 'json' as const, flag: false as const, description: 'default command' },
    },
  };

  it('derives kebab-case flags (boolean ones take no value) and leaves config-only settings out', () => {
    expect(Object.keys(providerFlags(spec))).toEqual(['api-key', 'poll-interval-ms', 'dry-run']);
    const parsed = argvToWrapperOptions(spec, [
      'status',
      '--model',
      'm',
      '--poll-interval-ms',
      '5',
      '--dry-run',
    ]);
    expect(parsed.values).toMatchObject({ 'poll-interval-ms': '5', 'dry-run': true });
    expect(usage(() => argvToWrapperOptions(spec, ['status', '--train', '{}']))).toContain(
      "Unknown option '--train'",
    );
  });

  it('help names each setting with its flag, its environment variable and its config key; secrets stay out of the config', () => {
    const help = wrapperHelp(spec);
    expect(help).toMatch(
      /--poll-interval-ms N +poll interval\n +\(env DEMO_POLL_INTERVAL_MS; config pollIntervalMs\)/,
    );
    expect(help).toMatch(/--api-key X +API key\n +\(env DEMO_API_KEY; secret: never in the config file\)/);
    expect(help).toMatch(/\(no flag\) +default command\n +\(config train\)/);
  });

  it('a setting whose flag would shadow a common option is refused', () => {
    expect(() => providerFlags({ name: 'demo', settings: { model: { description: 'clash' } } })).toThrow(
      'demo setting model: flag --model is already a common wrapper option',
    );
  });
});
