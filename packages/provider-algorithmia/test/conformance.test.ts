import { testProvider } from '@modelship/core/testing';
import { algorithmiaCapabilities, createAlgorithmiaProvider } from '../src/index.js';
import { ALGO, API_KEY, providerSettings, type Scene, startScene, USER } from './helpers.js';

let scene: Scene;

testProvider({
  name: 'algorithmia against the API emulator and a local bare git repository',
  capabilities: algorithmiaCapabilities,
  create: () => createAlgorithmiaProvider(providerSettings(scene)),
  fixtures: async () => {
    scene = await startScene();
    return {
      modelPath: scene.modelPath,
      secrets: [API_KEY],
      missingRefs: { dataPath: `data://${USER}/${ALGO}/missing_model.pkl` },
      trainInput: {},
    };
  },
  cleanup: () => scene.cleanup(),
  // Visible opt-outs from the stricter kit (issue 15): each runs as `it.fails`; whoever closes a gap
  // removes its line here.
  knownGaps: {
    upload: 'manifestDigest is bare hex until ported to uploadWithManifest',
    'upload-digest-refused': "upload ignores the caller's manifestDigest until ported to uploadWithManifest",
    'train-metrics': 'the conformance notebook run reports no metrics',
    'tag-observed': "status does not report the version's tags (refs.tags) yet",
  },
});
