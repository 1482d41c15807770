// A provider for promotion tests: only the capabilities and methods a test names; every other
// method throws, so a test that reaches for something it did not set up says so.
import type { ProviderCapabilities, ProviderV1 } from '../../src/index.js';

const none: ProviderCapabilities = {
  upload: false,
  train: false,
  tag: false,
  deploy: false,
  status: false,
  undeploy: false,
  describe: false,
  rollback: false,
  abort: false,
};

function unused(name: string, method: string) {
  return async () => {
    throw new Error(`${name}.${method} is not set up by this test`);
  };
}

/** `fakeProvider('name', ['tag', 'deploy', 'rollback'], { deploy: async () => … })`. */
export function fakeProvider(
  name: string,
  capable: Array<keyof ProviderCapabilities>,
  methods: Partial<Omit<ProviderV1, 'specificationVersion' | 'name' | 'capabilities'>> = {},
): ProviderV1 {
  const capabilities = { ...none };
  for (const capability of capable) capabilities[capability] = true;
  return {
    specificationVersion: 'v1',
    name,
    capabilities,
    upload: unused(name, 'upload'),
    train: unused(name, 'train'),
    tag: unused(name, 'tag'),
    deploy: unused(name, 'deploy'),
    ...methods,
  } as ProviderV1;
}

/** A train result with no metrics, for providers whose tests never train. */
export const untrained = {
  runId: 'r',
  status: { unified: 'succeeded' as const, raw: 'ok' },
  metrics: {},
  refs: {},
  warnings: [],
};

/** Tag and deploy methods that succeed, deploying each version to its own 127.0.0.1 URL. */
export const tagsAndDeploys: Pick<ProviderV1, 'tag' | 'deploy'> = {
  tag: async () => ({ refs: {}, warnings: [] }),
  deploy: async (input) => ({
    status: { unified: 'deployed', raw: 'InService' },
    endpoint: `http://127.0.0.1/${input.stage}/${input.model.version}`,
    refs: {},
    warnings: [],
  }),
};
