import type { ProviderCliSpec } from '@modelship/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runProviderCli } from '../src/wrapper.js';

const secret = 'sk-live-0123456789abcdef';

function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
      env,
      cwd: process.cwd(),
    },
  };
}

const spec: ProviderCliSpec = {
  name: 'leaky',
  summary: 'a provider whose errors quote its key',
  settings: { apiKey: { description: 'key', env: 'LEAKY_API_KEY', secret: true } },
  settingsSchema: async () => z.strictObject({ apiKey: z.string().optional() }),
  createProvider: (settings) => {
    throw new Error(`login refused for key ${settings.apiKey}`);
  },
};

describe('runProviderCli keeps secrets out of output', () => {
  it('redacts a secret option (from the flag or its environment variable) in errors, text and --json', async () => {
    const flag = io();
    expect(
      await runProviderCli(spec, ['status', '--model', 'm', '--api-key', secret, '--json'], flag.io),
    ).toBe(1);
    expect([...flag.out, ...flag.err].join('')).not.toContain(secret);
    expect(flag.err.join('')).toContain('login refused for key ***');
    const fromEnv = io({ LEAKY_API_KEY: secret });
    await runProviderCli(spec, ['status', '--model', 'm'], fromEnv.io);
    expect(fromEnv.err.join('')).toContain('***');
    expect(fromEnv.err.join('')).not.toContain(secret);
  });
});
