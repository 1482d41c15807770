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
});
