// Issue 19 item 8: pachctl 1.x (the seed's 1.11) is not supported; the provider says so before
// it does anything else, rather than failing later on a flag or a JSON shape 1.x does not have.
import type { CommandRunner } from '@modelship/core';
import { ErrorCode, ModelshipError } from '@modelship/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createPachydermProvider } from '../src/index.js';
import { housingWorld, quietContext } from './world.js';

const world = housingWorld({ seed: false });
afterAll(world.cleanup);

function recording(version?: string) {
  const calls: string[] = [];
  const base = quietContext();
  const run: CommandRunner = (command, args, options) => {
    calls.push(args.join(' '));
    const env = version ? { ...options?.env, PACHCTL_DOUBLE_VERSION: version } : options?.env;
    return base.run(command, args, { ...options, env });
  };
  return { calls, context: { ...base, run } };
}

describe('pachctl version', () => {
  it('refuses pachctl 1.x before any other call, saying why and what to install', async () => {
    const { calls, context } = recording('1.11.0');
    const provider = createPachydermProvider({ ...world.settings, dataRepo: 'housing_data' });
    const error = await provider
      .status({ model: { name: 'housing' }, stage: 'staging', refs: { repo: 'housing_data' } }, context)
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.InvalidInput)).toBe(true);
    expect((error as Error).message).toMatch(
      /pachctl 1\.11\.0 is not supported: modelship needs pachctl 2\.x .*global commit ids.*install pachctl 2/,
    );
    expect(calls).toEqual(['version --client-only']);
  });

  it('checks once per provider and goes on with 2.x', async () => {
    const { calls, context } = recording();
    const provider = createPachydermProvider({ ...world.settings, dataRepo: 'housing_data' });
    for (const stage of ['staging', 'production'])
      await provider.status({ model: { name: 'housing' }, stage, refs: { repo: 'housing_data' } }, context);
    expect(calls.filter((c) => c.startsWith('version'))).toEqual(['version --client-only']);
    expect(calls[0]).toBe('version --client-only');
  });

  it('the double prints versionpb.Version as pachctl does: plain with --client-only, protojson with --raw', () => {
    expect(world.double.run(['version', '--client-only']).trim()).toBe('2.11.0');
    expect(JSON.parse(world.double.run(['version', '--client-only', '--raw']))).toMatchObject({
      major: 2,
      minor: 11,
      micro: 0,
    });
  });
});
