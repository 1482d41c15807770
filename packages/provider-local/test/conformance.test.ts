import { testProvider } from '@modelship/core/testing';
import { createLocalProvider, type LocalProvider } from '../src/index.js';
import { localCapabilities } from '../src/provider.js';
import { makeWorkspace, nodeTrainer } from './fixtures.js';

const workspace = makeWorkspace();
let provider: LocalProvider | undefined;

testProvider({
  name: 'local against real inference server processes',
  capabilities: localCapabilities,
  create: () => (provider = createLocalProvider({ root: workspace.root })),
  fixtures: () => ({
    modelPath: workspace.modelDir,
    trainInput: { options: nodeTrainer, params: { slope: 3 } },
  }),
  cleanup: async () => {
    const { createProviderContext, silentLogger } = await import('@modelship/core');
    await provider?.undeployAll(createProviderContext({ logger: silentLogger }));
    workspace.cleanup();
  },
});
