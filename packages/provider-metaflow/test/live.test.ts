// Opt-in: the conformance suite against a real, configured Metaflow deployment (e.g. Outerbounds
// with Argo Workflows). Off unless MODELSHIP_LIVE_METAFLOW=1; never on in CI. See the README.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testProvider } from '@modelship/core/testing';
import { describe, expect, it } from 'vitest';
import { createMetaflowProvider, metaflowCapabilities } from '../src/index.js';
import { flowsDir } from './fixtures.js';

const live = process.env.MODELSHIP_LIVE_METAFLOW === '1';
const required = ['MODELSHIP_LIVE_METAFLOW_RUN', 'MODELSHIP_LIVE_S3_ROOT'] as const;

describe.skipIf(!live)('metaflow live deployment (MODELSHIP_LIVE_METAFLOW=1)', () => {
  it('has what the live suite needs', () => {
    for (const name of required)
      expect(process.env[name], `${name} must be set for the live suite`).toMatch(/\S/);
  });
});

if (live) {
  const work = mkdtempSync(join(tmpdir(), 'modelship-metaflow-live-'));
  testProvider({
    name: 'metaflow against a live deployment',
    capabilities: metaflowCapabilities,
    // Everything else (METAFLOW_HOME with the platform's config, credentials) comes from the environment.
    create: () =>
      createMetaflowProvider({
        python: process.env.MODELSHIP_LIVE_PYTHON ?? 'python3',
        cwd: flowsDir,
        trainFlow: 'train_flow.py',
        deployFlow: 'predict_flow.py',
        s3Root: process.env.MODELSHIP_LIVE_S3_ROOT,
        onlyJson: false,
      }),
    fixtures: () => {
      const modelPath = join(work, 'model.json');
      writeFileSync(modelPath, JSON.stringify({ weights: [1, 2, 3] }));
      return {
        modelPath,
        trainInput: { params: { accuracy: 0.97 } },
        deployRefs: () => ({ runId: process.env.MODELSHIP_LIVE_METAFLOW_RUN ?? '' }),
        missingRefs: { runId: 'ModelshipTrainFlow/1' },
        secrets: [process.env.METAFLOW_SERVICE_AUTH_KEY ?? ''].filter(Boolean),
      };
    },
    cleanup: () => rmSync(work, { recursive: true, force: true }),
  });
}
