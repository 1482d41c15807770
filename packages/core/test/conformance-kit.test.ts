// The conformance kit checked against an in-memory provider that keeps the contract, and against
// deliberately broken copies of it: each must fail the check that guards its defect, so a kit
// that cannot fail shows up here rather than in every provider package.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, type ProviderV1, type StatusResult, throwIfAborted } from '../src/index.js';
import { capabilitiesExcept, uploadWithManifest } from '../src/provider-kit/index.js';
import {
  type ConformanceCheck,
  conformanceCases,
  type ProviderTestFixtures,
  testProvider,
} from '../src/testing.js';

const capabilities = capabilitiesExcept('rollback');

function createMemoryProvider(): ProviderV1 {
  const stored = new Map<string, string>();
  const tags = new Map<string, Set<string>>();
  const deployed = new Map<string, string>();
  return {
    specificationVersion: 'v1',
    name: 'memory',
    capabilities,
    upload: (input, context) =>
      uploadWithManifest(input, context, {
        target: ({ manifestDigest }) => ({
          uri: `memory://${input.model.name}/${manifestDigest.slice(7, 19)}`,
          refs: { object: manifestDigest },
          stored: async () => stored.get(manifestDigest),
          putFile: async () => undefined,
          putManifest: async () => void stored.set(manifestDigest, manifestDigest),
        }),
      }),
    async train() {
      const metrics = { accuracy: 0.9 };
      return {
        runId: 'run-1',
        status: { unified: 'succeeded', raw: 'DONE' },
        metrics,
        refs: {},
        warnings: [],
      };
    },
    async tag(input) {
      const key = `${input.model.version}@${input.stage}`;
      const held = tags.get(key) ?? new Set();
      if (input.action === 'remove') held.delete(input.tag);
      else held.add(input.tag);
      tags.set(key, held);
      return { refs: { tag: `${input.model.version}:${input.tag}` }, warnings: [] };
    },
    async deploy(input, context) {
      throwIfAborted(context.signal, 'deploy');
      if (!input.refs.object || !stored.has(input.refs.object))
        throw new NotFoundError(
          `no uploaded object ${JSON.stringify(input.refs)} for ${input.model.name} ${input.model.version}; upload it first`,
        );
      deployed.set(input.stage, input.refs.object);
      return {
        status: { unified: 'deployed', raw: 'LIVE' },
        endpoint: `memory://${input.stage}`,
        refs: { deployment: input.stage },
        warnings: [],
      };
    },
    async status(input): Promise<StatusResult> {
      const live = deployed.has(input.stage ?? '');
      const held = tags.get(`${input.model.version}@${input.stage}`) ?? new Set();
      return {
        status: live ? { unified: 'deployed', raw: 'LIVE' } : { unified: 'stopped', raw: 'NONE' },
        refs: input.model.version ? { tags: [...held].join(',') } : ({} as Record<string, string>),
      };
    },
    async undeploy(input) {
      deployed.delete(input.stage);
      return { refs: {}, warnings: [] };
    },
    async describe() {
      return { name: 'memory', settings: {}, capabilities };
    },
  };
}

/** One defect each, and the check that must catch it. */
const broken: Array<{ defect: string; check: ConformanceCheck; break: (p: ProviderV1) => ProviderV1 }> = [
  {
    defect: 'a tag that changes nothing',
    check: 'tag-observed',
    break: (p) => ({ ...p, tag: async (input) => ({ refs: { tag: input.tag }, warnings: [] }) }),
  },
  {
    defect: 'an undeploy that does nothing',
    check: 'undeploy-observed',
    break: (p) => ({ ...p, undeploy: async () => ({ refs: {}, warnings: [] }) }),
  },
  {
    defect: 'a train that reports no metrics',
    check: 'train-metrics',
    break: (p) => ({
      ...p,
      train: async (input, context) => ({ ...(await p.train(input, context)), metrics: {} }),
    }),
  },
  {
    defect: 'a bare-hex manifest digest',
    check: 'upload',
    break: (p) => ({
      ...p,
      upload: async (input, context) => {
        const result = await p.upload(input, context);
        return { ...result, manifestDigest: result.manifestDigest?.replace(/^sha256:/, '') };
      },
    }),
  },
  {
    defect: "an upload that ignores the caller's manifestDigest",
    check: 'upload-digest-refused',
    break: (p) => ({
      ...p,
      upload: (input, context) => p.upload({ ...input, manifestDigest: undefined }, context),
    }),
  },
  {
    defect: 'an error that does not name what was missing',
    check: 'errors-name-missing',
    break: (p) => ({
      ...p,
      deploy: async (input, context) => {
        if (input.refs.object) return p.deploy(input, context);
        throw new NotFoundError('deploy failed');
      },
    }),
  },
];

let dir: string;
const fixtures = async (): Promise<ProviderTestFixtures> => {
  dir ??= await mkdtemp(join(tmpdir(), 'modelship-kit-'));
  await writeFile(join(dir, 'model.bin'), 'weights');
  return { modelPath: join(dir, 'model.bin'), secrets: ['memory-secret-1234'] };
};
afterAll(() => rm(dir, { recursive: true, force: true }));

testProvider({
  name: 'in-memory reference provider',
  create: createMemoryProvider,
  capabilities,
  fixtures,
});

describe('the conformance kit fails broken providers', () => {
  let env: { fixtures: ProviderTestFixtures };
  beforeAll(async () => {
    env = { fixtures: await fixtures() };
  });
  const cases = conformanceCases(capabilities);

  for (const { defect, check, break: breakIt } of broken) {
    it(`${defect} fails "${check}"`, async () => {
      const guard = cases.find((c) => c.id === check)!;
      await expect(guard.run({ ...env, provider: createMemoryProvider() })).resolves.toBeUndefined();
      await expect(guard.run({ ...env, provider: breakIt(createMemoryProvider()) })).rejects.toThrow();
    });
  }

  it('every check is self-contained: each passes alone on a fresh provider', async () => {
    for (const c of cases) await c.run({ ...env, provider: createMemoryProvider() });
  });
});

// A declared gap runs as `it.fails`: it passes while the defect is there and turns red once fixed.
testProvider({
  name: 'a provider with a declared known gap',
  create: () => broken.find((b) => b.check === 'train-metrics')!.break(createMemoryProvider()),
  capabilities,
  fixtures,
  knownGaps: { 'train-metrics': 'reports no metrics (the self-test of knownGaps)' },
});
