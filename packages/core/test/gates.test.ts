import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManifest, writeManifest } from '@modelship/manifest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLedger, createPromoter, emptyState, reduce } from '../src/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelship-gates-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const env = { USER: 'tester' };

describe('gates', () => {
  it('compares challenger and champion on the same evaluation with a minimum improvement', async () => {
    const config = {
      stages: ['prod'],
      gates: { prod: { challenger: { metric: 'mse', direction: 'lower' as const, minImprovement: 0.5 } } },
    };
    const promoter = createPromoter({ config, ledger: createMemoryLedger(), env, captureProvenance: false });
    await promoter.register({ model: 'm', metrics: { mse: 6 }, evaluation: 'holdout-2026-11' });
    await promoter.register({ model: 'm', metrics: { mse: 5.8 }, evaluation: 'holdout-2026-11' });
    await promoter.register({ model: 'm', metrics: { mse: 4 }, evaluation: 'holdout-2026-12' });
    expect((await promoter.promote({ model: 'm', version: 'v1', to: 'prod' })).outcome).toBe('promoted');
    const small = await promoter.promote({ model: 'm', version: 'v2', to: 'prod' });
    expect(small.outcome).toBe('gate-failed');
    expect(small.gates[0]).toMatchObject({
      verdict: 'fail',
      inputs: { challengerScore: 5.8, championScore: 6, evaluation: 'holdout-2026-11' },
    });
    const otherData = await promoter.promote({ model: 'm', version: 'v3', to: 'prod' });
    expect(otherData.gates[0]?.message).toMatch(/not scored on the same evaluation/);
    const rescored = await promoter.promote({
      model: 'm',
      version: 'v3',
      to: 'prod',
      evaluation: { id: 'holdout-2026-12', metrics: { mse: 4 }, champion: { mse: 5.1 } },
    });
    expect(rescored.outcome).toBe('promoted');
  });

  it('verifies the manifest against the stored artifact and runs custom async predicates', async () => {
    const model = join(dir, 'model');
    await mkdir(model, { recursive: true });
    await writeFile(join(model, 'weights.bin'), 'weights-v1');
    const { manifest } = await createManifest({ path: model, name: 'm', version: '1' });
    const manifestPath = join(dir, 'modelship.manifest.json');
    await writeManifest(manifestPath, manifest);
    let checked = 0;
    const promoter = createPromoter({
      config: { stages: ['staging'], gates: { staging: { manifest: true } } },
      ledger: createMemoryLedger(),
      env,
      captureProvenance: false,
      gates: [
        {
          name: 'drift',
          stages: ['staging'],
          check: async () => {
            checked += 1;
            return {
              passed: checked > 0,
              inputs: { psi: 0.02 },
              message: 'psi 0.02 < 0.1',
            };
          },
        },
      ],
    });
    await promoter.register({ model: 'm', metrics: {}, path: model, manifest: manifestPath });
    await promoter.register({ model: 'm', metrics: {}, path: model, manifest: manifestPath });
    const ok = await promoter.promote({ model: 'm', version: 'v1', to: 'staging' });
    expect(
      ok.gates.map((g) => [g.name, g.verdict]),
      JSON.stringify(ok.gates),
    ).toEqual([
      ['manifest', 'pass'],
      ['custom:drift', 'pass'],
    ]);
    await writeFile(join(model, 'weights.bin'), 'tampered');
    const bad = await promoter.promote({ model: 'm', version: 'v2', to: 'staging' });
    expect(bad.outcome).toBe('gate-failed');
    expect(bad.gates[0]).toMatchObject({ name: 'manifest', verdict: 'fail' });
  });

  it('the reducer is pure: it never mutates the state it is given', () => {
    const registered = reduce(emptyState, {
      type: 'version.registered',
      at: '2026-11-23T00:00:00.000Z',
      model: 'm',
      version: 'v1',
      data: {
        record: {
          model: 'm',
          id: 'v1',
          number: 1,
          registeredAt: '2026-11-23T00:00:00.000Z',
          metrics: {},
          refs: {},
        },
      },
    });
    const frozen = JSON.stringify(registered);
    const next = reduce(registered, {
      type: 'promotion.requested',
      at: '2026-11-23T00:00:01.000Z',
      model: 'm',
      version: 'v1',
      stage: 'dev',
      data: {},
    });
    expect(JSON.stringify(registered)).toBe(frozen);
    expect(next.models.m?.stages.dev?.entries.v1?.status).toBe('candidate');
    expect(emptyState.models).toEqual({});
  });
});
