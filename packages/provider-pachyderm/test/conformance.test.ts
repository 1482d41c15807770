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
  // Visible opt-outs from the stricter kit (issue 15): each runs as `it.fails`; whoever closes a gap
  // removes its line here.
  knownGaps: {
    'tag-observed': "status does not report the version's tags (refs.tags) yet",
  },
});
