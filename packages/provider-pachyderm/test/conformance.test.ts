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
  }),
  cleanup: world.cleanup,
});
