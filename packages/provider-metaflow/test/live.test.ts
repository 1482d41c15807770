// Opt-in: the conformance suite against a real, configured Metaflow deployment (e.g. Outerbounds
// with Argo Workflows). Off unless MODELSHIP_LIVE_METAFLOW=1; never on in CI. See the README.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProviderContext } from '@modelship/core';
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

// Items of issue 17 against the deployment: scoped selection, one run per stage tag, service auth.
describe.skipIf(!live)('metaflow live: scope, stage tags, service auth', () => {
  const runA = process.env.MODELSHIP_LIVE_METAFLOW_RUN ?? '';
  const runB = process.env.MODELSHIP_LIVE_METAFLOW_RUN_B;
  const suffix = `${process.pid}_${Date.now()}`;
  const stageTags = { staging: `modelship_live_candidate_${suffix}` };
  const provider = createMetaflowProvider({
    python: process.env.MODELSHIP_LIVE_PYTHON ?? 'python3',
    cwd: flowsDir,
    stageTags,
    argoStages: [],
  });
  const context = createProviderContext();
  const flow = runA.split('/')[0] ?? '';

  it('tags through the metadata service with its headers (METAFLOW_SERVICE_HEADERS / the Metaflow config file)', async () => {
    const tag = `modelship_live_${suffix}`;
    await provider.replaceTags({ runId: runA, add: [tag] }, context);
    expect((await provider.readRun(runA, [], context)).tags).toContain(tag);
    await provider.replaceTags({ runId: runA, remove: [tag] }, context);
    expect((await provider.readRun(runA, [], context)).tags).not.toContain(tag);
  });

  it('select scoped to a run, and to a commit no run was started from', async () => {
    const tag = `modelship_live_scope_${suffix}`;
    await provider.replaceTags({ runId: runA, add: [tag] }, context);
    expect((await provider.select({ flow, tag, runId: runA }, context)).run?.pathspec).toBe(runA);
    expect((await provider.select({ flow, tag, commit: '0000000' }, context)).run).toBeNull();
    await provider.replaceTags({ runId: runA, remove: [tag] }, context);
  });

  it.skipIf(!runB)('one run per stage tag, also after a rollback without `previous`', async () => {
    const deploy = (runId: string, rollback = false) =>
      provider.deploy(
        { model: { name: 'm', version: runId }, stage: 'staging', refs: { runId }, rollback },
        context,
      );
    const holders = async () =>
      (await Promise.all([runA, runB ?? ''].map((id) => provider.readRun(id, [], context))))
        .filter((run) => run.tags.includes(stageTags.staging))
        .map((run) => run.pathspec);
    await deploy(runA);
    await deploy(runB ?? '');
    expect(await holders()).toEqual([runB]);
    await deploy(runA, true);
    expect(await holders()).toEqual([runA]);
    await provider.replaceTags({ runId: runA, remove: [stageTags.staging] }, context);
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
