import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProviderContext, silentLogger } from '@modelship/core';
import { capabilitiesExcept } from '@modelship/core/provider-kit';
import { testProvider } from '@modelship/core/testing';
import type { SageMakerProvider } from '../src/index.js';
import { credentials, motoProvider } from './moto.js';

let dir: string;
let provider: SageMakerProvider;

testProvider({
  name: 'sagemaker against moto',
  create: () => provider,
  // Every capability: the contract check fails if the provider declares less.
  capabilities: capabilitiesExcept(),
  async fixtures() {
    dir = await mkdtemp(join(tmpdir(), 'modelship-sm-conformance-'));
    await writeFile(join(dir, 'model.tar.gz'), 'pretend weights');
    await writeFile(join(dir, 'inference.py'), 'def predict(x): return x\n');
    ({ provider } = await motoProvider({ modelPackageGroup: `conformance-${Date.now()}` }));
    return {
      modelPath: dir,
      secrets: [credentials.secretAccessKey],
      trainInput: { options: { image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1' } },
      missingRefs: { modelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/missing/99' },
      async deployRefs(uploaded) {
        const context = createProviderContext({ logger: silentLogger });
        const model = { name: 'conformance-model', version: 'v1' };
        const registered = await provider.tag(
          { model, stage: 'staging', tag: 'registered', refs: uploaded.refs },
          context,
        );
        const approved = await provider.tag(
          {
            model,
            stage: 'staging',
            tag: 'approved',
            refs: registered.refs,
            approval: { by: 'conformance', reason: 'suite' },
          },
          context,
        );
        return approved.refs;
      },
    };
  },
  cleanup: () => rm(dir, { recursive: true, force: true }),
});
