import type { CommandRunner } from '@modelship/core';
import { ErrorCode, ModelshipError } from '@modelship/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createPachydermProvider } from '../src/index.js';
import { housingWorld, quietContext, token } from './world.js';

const world = housingWorld({ seed: false });
afterAll(world.cleanup);

function recording() {
  const calls: Array<{ args: readonly string[]; input?: string; env?: Record<string, string | undefined> }> =
    [];
  const lines: string[] = [];
  const base = quietContext({
    logger: {
      debug: (m) => lines.push(m),
      info: (m) => lines.push(m),
      warn: (m) => lines.push(m),
      error: (m) => lines.push(m),
    },
  });
  const run: CommandRunner = (command, args, options) => {
    calls.push({
      args,
      input: options?.input === undefined ? undefined : String(options.input),
      env: options?.env,
    });
    return base.run(command, args, options);
  };
  return { calls, lines, context: { ...base, run } };
}

describe('auth and connection', () => {
  it('hands the token to `pachctl auth use-auth-token` on stdin once, never in argv or env', async () => {
    const { calls, context } = recording();
    const provider = createPachydermProvider({
      ...world.settings,
      dataRepo: 'housing_data',
      pachdAddress: 'grpc://127.0.0.1:30650',
      context: 'ci',
    });
    await provider.status(
      { model: { name: 'housing' }, stage: 'staging', refs: { repo: 'housing_data' } },
      context,
    );
    await provider.status(
      { model: { name: 'housing' }, stage: 'production', refs: { repo: 'housing_data' } },
      context,
    );
    // The version check needs no token; the token goes once, on stdin.
    expect(calls[0]).toMatchObject({ args: ['version', '--client-only'] });
    expect(calls[1]).toMatchObject({ args: ['auth', 'use-auth-token'], input: `${token}\n` });
    expect(calls.filter((c) => c.args[1] === 'use-auth-token')).toHaveLength(1);
    for (const call of calls) {
      expect(call.args.join(' ')).not.toContain(token);
      expect(JSON.stringify(call.env)).not.toContain(token);
      expect(call.env).toMatchObject({ PACHD_ADDRESS: 'grpc://127.0.0.1:30650', PACH_CONTEXT: 'ci' });
    }
    for (const call of calls.slice(2)) expect(call.input).toBeUndefined();
  });

  it('a rejected token is an auth_failed error that does not repeat the token', async () => {
    const { lines, context } = recording();
    const wrong = 'a-wrong-token-that-must-stay-secret';
    const provider = createPachydermProvider({
      ...world.settings,
      authToken: wrong,
      env: { ...world.double.env, PACH_CONFIG: `${world.double.stateDir}/second-config.json` },
    });
    const error = await provider
      .status({ model: { name: 'housing' }, stage: 'staging', refs: { repo: 'housing_data' } }, context)
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.AuthFailed)).toBe(true);
    expect((error as Error).message).toMatch(/PACHYDERM_AUTH_TOKEN/);
    expect(
      JSON.stringify({ m: (error as Error).message, d: (error as ModelshipError).details, lines }),
    ).not.toContain(wrong);
  });

  it('resolves settings lazily: creating the provider touches nothing, a missing pachctl is named at call time', async () => {
    const provider = createPachydermProvider({
      pachctl: '/nonexistent/pachctl',
      environment: {},
      dataRepo: 'x',
    });
    const error = await provider
      .status({ model: { name: 'm' }, stage: 's', refs: { repo: 'x' } }, quietContext())
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/could not run pachctl .*settings\.pachctl \/ PACHCTL/);
  });
});
