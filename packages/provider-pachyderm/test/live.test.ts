// Opt-in: the same contract suite against a real cluster, when PACHD_ADDRESS is set (and pachctl
// is on PATH). Needs a repo for uploads (PACHYDERM_LIVE_DATA_REPO, default modelship_live) and,
// for train, an image the cluster can pull (DOCKER_IMAGE_TAG + GITHUB_SHA) and PACHYDERM_PIPELINE_FILES.
import { join } from 'node:path';
import { testProvider } from '@modelship/core/testing';
import { describe, expect, it } from 'vitest';
import { createPachydermProvider, pachydermCapabilities } from '../src/index.js';
import { fixtures } from './world.js';

const live = process.env.PACHD_ADDRESS;
const canTrain = Boolean(
  process.env.DOCKER_IMAGE_TAG && process.env.GITHUB_SHA && process.env.PACHYDERM_PIPELINE_FILES,
);

if (live) {
  testProvider({
    name: `pachyderm against the live cluster at ${live}`,
    capabilities: { ...pachydermCapabilities, train: canTrain },
    create: () => {
      const provider = createPachydermProvider({
        dataRepo: process.env.PACHYDERM_LIVE_DATA_REPO ?? 'modelship_live',
      });
      return canTrain ? provider : { ...provider, capabilities: { ...pachydermCapabilities, train: false } };
    },
    fixtures: () => ({
      modelPath: join(fixtures, 'image'),
      secrets: [process.env.PACHYDERM_AUTH_TOKEN ?? ''].filter(Boolean),
      missingRefs: { repo: process.env.PACHYDERM_LIVE_DATA_REPO ?? 'modelship_live', commit: '0'.repeat(32) },
    }),
  });
} else {
  describe.skipIf(true)('pachyderm against a live cluster', () => {
    it('set PACHD_ADDRESS (and PACHYDERM_AUTH_TOKEN) to run the contract suite against a real pachd', () => {
      expect(process.env.PACHD_ADDRESS).toMatch(/\S/);
    });
  });
}
