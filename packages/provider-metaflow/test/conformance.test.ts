import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testProvider } from '@modelship/core/testing';
import { inject } from 'vitest';
import { metaflowCapabilities } from '../src/index.js';
import { testProvider as metaflowProvider, motoBucket } from './fixtures.js';

const shared = inject('metaflowRuns');
const work = mkdtempSync(join(tmpdir(), 'modelship-metaflow-conformance-'));
const bucket = `conformance-${Date.now()}`;

testProvider({
  name: 'metaflow against real Metaflow (local mode) and moto S3',
  capabilities: metaflowCapabilities,
  create: () =>
    metaflowProvider(shared.root, {
      s3Root: `s3://${bucket}/metaflow`,
      s3Endpoint: inject('motoUrl'),
    }),
  fixtures: async () => {
    await motoBucket(inject('motoUrl'), bucket);
    const modelPath = join(work, 'model.json');
    writeFileSync(modelPath, JSON.stringify({ weights: [1, 2, 3] }));
    return {
      modelPath,
      trainInput: { params: { accuracy: 0.97 } },
      // Tag and deploy act on a Metaflow run: the one the shared setup trained.
      deployRefs: () => ({ runId: shared.good }),
      missingRefs: { runId: 'ModelshipTrainFlow/1' },
      // A Metaflow tag lives on a run: status reads the run's tags back through the refs naming it.
      observeTags: async ({ provider, model, stage, refs, context }) => {
        const { refs: read } = await provider.status!({ model, stage, refs }, context);
        return read.tags?.split(',') ?? [];
      },
    };
  },
  cleanup: () => rmSync(work, { recursive: true, force: true }),
});
