import { join } from 'node:path';
import { testProvider } from '@modelship/core/testing';
import { createPachydermProvider, pachydermCapabilities } from '../src/index.js';
import { fixtures, housingWorld, token } from './world.js';

const world = housingWorld();

testProvider({
  name: 'pachyderm against the pachctl double',
  capabilities: pachydermCapabilities,
  create: () =>
    createPachydermProvider({ ...world.settings, dataRepo: 'conformance_models', modelRepo: 'regression' }),
  fixtures: () => ({
    modelPath: join(fixtures, 'image'),
    secrets: [token],
    missingRefs: { repo: 'conformance_models', commit: '0'.repeat(32) },
    // The version is a commit of the repo its refs name (here the data repo upload wrote to).
    observeTags: async ({ provider, model, stage, refs, context }) => {
      const { refs: read } = await provider.status!({ model, stage, refs }, context);
      return read.tags?.split(',') ?? [];
    },
  }),
  cleanup: world.cleanup,
});
