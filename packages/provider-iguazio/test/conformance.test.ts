import { testProvider } from '@modelship/core/testing';
import { type MlrunEmulator, startMlrunEmulator } from '@modelship/testing-mlrun-emulator';
import { createIguazioProvider } from '../src/index.js';
import { iguazioCapabilities } from '../src/provider.js';
import { accessKey, modelDir } from './helpers.js';

let emulator: MlrunEmulator;
let model: Awaited<ReturnType<typeof modelDir>>;

testProvider({
  name: 'iguazio against the MLRun API emulator',
  create: () =>
    createIguazioProvider({
      apiUrl: emulator.url,
      accessKey,
      project: 'conformance',
      pollIntervalMs: 5,
      projectSource: 'git://github.com/acme/conformance#main',
    }),
  capabilities: iguazioCapabilities,
  fixtures: async () => {
    emulator = await startMlrunEmulator({ accessKey });
    model = await modelDir();
    return {
      modelPath: model.dir,
      secrets: [accessKey],
      missingRefs: { storeUri: 'store://models/conformance/ghost#0@0123456789abcdef' },
    };
  },
  cleanup: async () => {
    await emulator.close();
    await model.cleanup();
  },
});
