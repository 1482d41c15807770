import { join } from 'node:path';
import { testProvider } from '@modelship/core/testing';
import { algorithmiaCapabilities, createAlgorithmiaProvider } from '../src/index.js';
import {
  ALGO,
  API_KEY,
  jupyter,
  providerSettings,
  type Scene,
  startScene,
  USER,
  writeNotebook,
} from './helpers.js';

let scene: Scene;

testProvider({
  name: 'algorithmia against the API emulator and a local bare git repository',
  capabilities: algorithmiaCapabilities,
  create: () => createAlgorithmiaProvider({ ...providerSettings(scene), jupyter: [jupyter] }),
  fixtures: async () => {
    scene = await startScene();
    return {
      modelPath: scene.modelPath,
      secrets: [API_KEY],
      missingRefs: { dataPath: `data://${USER}/${ALGO}/missing_model.pkl` },
      // A real nbconvert run of a notebook that writes metrics.json, as the example's does.
      trainInput: {
        options: {
          notebook: join(
            scene.root,
            writeNotebook(scene.root, 'train.ipynb', [
              "import json\njson.dump({'r2': 0.91, 'rmse': 4.2}, open('metrics.json', 'w'))",
            ]),
          ),
        },
      },
    };
  },
  cleanup: () => scene.cleanup(),
});
