// The conformance kit checked against a minimal in-memory provider, so a regression in the kit
// itself shows up here rather than in every provider package.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError, type ProviderV1, throwIfAborted, type UploadResult } from '../src/index.js';
import { testProvider } from '../src/testing.js';

function createMemoryProvider(): ProviderV1 {
  const uploads = new Map<string, UploadResult>();
  const deployed = new Map<string, string>();
  return {
    specificationVersion: 'v1',
    name: 'memory',
    capabilities: {
      upload: true,
      train: true,
      tag: true,
      deploy: true,
      status: true,
      undeploy: true,
      describe: true,
      rollback: false,
      abort: true,
    },
    async upload(input, context) {
      throwIfAborted(context.signal, 'upload');
      const key = input.idempotencyKey ?? input.path;
      const known = uploads.get(key);
      if (known) return { ...known, skipped: true };
      const info = await stat(input.path);
      const result = {
        uri: `memory://${input.model.name}/${info.size}`,
        refs: { object: `${input.model.name}-${info.size}` },
        skipped: false,
        warnings: [],
      };
      uploads.set(key, result);
      return result;
    },
    async train() {
      return {
        runId: 'run-1',
        status: { unified: 'succeeded', raw: 'DONE' },
        metrics: { accuracy: 0.9 },
        refs: {},
        warnings: [],
      };
    },
    async tag(input) {
      return { refs: { tag: `${input.model.version}:${input.tag}` }, warnings: [] };
    },
    async deploy(input) {
      if (!input.refs.object)
        throw new NotFoundError(
          `no uploaded object for ${input.model.name} ${input.model.version}; upload it first`,
        );
      deployed.set(input.stage, input.refs.object);
      return {
        status: { unified: 'deployed', raw: 'LIVE' },
        endpoint: `memory://${input.stage}`,
        refs: { deployment: input.stage },
        warnings: [],
      };
    },
    async status(input) {
      return {
        status: deployed.has(input.stage ?? '')
          ? { unified: 'deployed', raw: 'LIVE' }
          : { unified: 'unknown', raw: 'NONE' },
        refs: {},
      };
    },
    async undeploy(input) {
      deployed.delete(input.stage);
      return { refs: {}, warnings: [] };
    },
    async describe() {
      return { name: 'memory', settings: {}, capabilities: this.capabilities };
    },
  };
}

let dir: string;
testProvider({
  name: 'in-memory reference provider',
  create: createMemoryProvider,
  capabilities: {
    upload: true,
    train: true,
    tag: true,
    deploy: true,
    status: true,
    undeploy: true,
    describe: true,
    rollback: false,
    abort: true,
  },
  fixtures: async () => {
    dir = await mkdtemp(join(tmpdir(), 'modelship-kit-'));
    await writeFile(join(dir, 'model.bin'), 'weights');
    return { modelPath: join(dir, 'model.bin'), secrets: ['memory-secret-1234'] };
  },
  cleanup: () => rm(dir, { recursive: true, force: true }),
});
