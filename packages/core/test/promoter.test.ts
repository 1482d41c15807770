import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApprovalRequiredError,
  assertPromoted,
  createMemoryLedger,
  createPromoter,
  ErrorCode,
  GateFailedError,
  IllegalTransitionError,
  ModelshipError,
  openFileLedger,
  type ProviderV1,
  RaceLostError,
} from '../src/index.js';
import { fakeProvider } from './helpers/fake-provider.js';

const env = { USER: 'tester' };
const config = {
  gates: {
    staging: { metrics: { accuracy: '>= 0.9', mse: '<= 6.0' } },
    production: { challenger: { metric: 'accuracy', minImprovement: 0.01 } },
  },
  approvals: { production: { count: 1, approvers: ['alice', 'bob'] } },
};

function recordingProvider(deployed: string[]): ProviderV1 {
  return fakeProvider('recording', ['upload', 'deploy', 'rollback'], {
    upload: async () => ({ uri: 'file:///x', refs: {}, skipped: false, warnings: [] }),
    tag: async () => ({ refs: {}, warnings: [] }),
    deploy: async (input) => {
      deployed.push(`${input.model.version}@${input.stage}${input.rollback ? ' (rollback)' : ''}`);
      return {
        status: { unified: 'deployed', raw: 'ok' },
        endpoint: `http://127.0.0.1/${input.stage}/${input.model.version}`,
        refs: { deployment: `${input.stage}-${input.model.version}` },
        warnings: [],
      };
    },
  });
}

async function climb(promoter: ReturnType<typeof createPromoter>, version: string) {
  await promoter.promote({ model: 'churn', version, to: 'development' });
  return promoter.promote({ model: 'churn', version, to: 'staging' });
}

describe('promoter', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('registers immutable versions v1, v2 … and walks them through the stages with gates', async () => {
    const deployed: string[] = [];
    const promoter = createPromoter({
      config,
      ledger: createMemoryLedger(),
      provider: recordingProvider(deployed),
      env,
      captureProvenance: false,
    });
    const v1 = await promoter.register({
      model: 'churn',
      metrics: { accuracy: 0.92, mse: 5 },
      evaluation: 'eval-1',
    });
    const v2 = await promoter.register({
      model: 'churn',
      metrics: { accuracy: 0.85, mse: 5 },
      evaluation: 'eval-1',
    });
    expect([v1.id, v2.id]).toEqual(['v1', 'v2']);

    const promoted = await climb(promoter, 'v1');
    expect(promoted.outcome).toBe('promoted');
    expect(promoted.gates.map((g) => [g.name, g.verdict])).toEqual([
      ['previous stage development', 'pass'],
      ['metric accuracy', 'pass'],
      ['metric mse', 'pass'],
    ]);
    expect(promoted.deploy?.endpoint).toContain('/staging/v1');

    const failed = await climb(promoter, 'v2');
    expect(failed.outcome).toBe('gate-failed');
    expect(failed.gates.find((g) => g.name === 'metric accuracy')).toMatchObject({
      verdict: 'fail',
      inputs: { actual: 0.85, threshold: 0.9, op: '>=' },
    });

    expect((await promoter.promote({ model: 'churn', version: 'v1', to: 'staging' })).outcome).toBe(
      'already-done',
    );
    const pending = await promoter.promote({ model: 'churn', version: 'v1', to: 'production', by: 'carol' });
    expect(pending.outcome).toBe('pending-approval');
    await expect(promoter.deploy({ model: 'churn', stage: 'production' })).rejects.toBeInstanceOf(
      ApprovalRequiredError,
    );
    await expect(
      promoter.approve({ model: 'churn', version: 'v1', stage: 'production', by: 'mallory' }),
    ).rejects.toThrow(/allowed approvers: alice, bob/);
    const approved = await promoter.approve({
      model: 'churn',
      version: 'v1',
      stage: 'production',
      by: 'alice',
    });
    expect(approved.outcome).toBe('promoted');
    expect(deployed).toEqual(['v1@development', 'v1@staging', 'v2@development', 'v1@production']);

    const board = await promoter.status('churn');
    expect(board.stages.map((s) => [s.name, s.champion?.version ?? null])).toEqual([
      ['development', 'v2'],
      ['staging', 'v1'],
      ['production', 'v1'],
    ]);
    expect(board.stages[0]?.history).toEqual(['v1', 'v2']);
  });

  it('throws IllegalTransitionError naming the current state and the allowed next ones', async () => {
    const promoter = createPromoter({ config, ledger: createMemoryLedger(), env, captureProvenance: false });
    await promoter.register({ model: 'churn', metrics: { accuracy: 0.95, mse: 1 } });
    const error = await promoter
      .deploy({ model: 'churn', version: 'v1', stage: 'staging' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect((error as Error).message).toBe(
      'churn v1 in staging is registered and cannot become deploying; allowed next: candidate',
    );
  });

  it('rolls a stage back to its previous champion from history', async () => {
    const deployed: string[] = [];
    const promoter = createPromoter({
      ledger: createMemoryLedger(),
      provider: recordingProvider(deployed),
      env,
      captureProvenance: false,
    });
    for (const accuracy of [0.9, 0.91]) await promoter.register({ model: 'm', metrics: { accuracy } });
    await promoter.promote({ model: 'm', version: 'v1', to: 'development' });
    await promoter.promote({ model: 'm', version: 'v2', to: 'development' });
    const rolled = await promoter.rollback({ model: 'm', stage: 'development' });
    expect(rolled).toMatchObject({ outcome: 'rolled-back', version: 'v1', previous: 'v2' });
    const stage = (await promoter.status('m')).stages[0];
    expect(stage?.champion?.version).toBe('v1');
    expect(deployed.at(-1)).toBe('v1@development (rollback)');
    const history = await promoter.history('m');
    expect(history.at(-1)).toMatchObject({
      type: 'deploy.succeeded',
      version: 'v1',
      data: { rollback: true },
    });
  });

  it('a retried call with the same idempotency key returns the first result and appends nothing', async () => {
    const promoter = createPromoter({
      ledger: createMemoryLedger(),
      env: { GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '1' },
      captureProvenance: false,
    });
    const first = await promoter.register({ model: 'm', metrics: { accuracy: 1 } });
    const again = await promoter.register({ model: 'm', metrics: { accuracy: 1 } });
    expect(again).toEqual(first);
    const promoted = await promoter.promote({
      model: 'm',
      version: 'v1',
      to: 'development',
      idempotencyKey: 'k1',
    });
    const before = (await promoter.history('m')).length;
    expect(
      await promoter.promote({ model: 'm', version: 'v1', to: 'development', idempotencyKey: 'k1' }),
    ).toEqual(promoted);
    expect((await promoter.history('m')).length).toBe(before);
  });

  it('records deploy.failed when the provider fails, and loses a compare-and-swap race with RaceLostError', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelship-promoter-'));
    dirs.push(dir);
    const provider = {
      ...recordingProvider([]),
      deploy: async () => {
        throw new ModelshipError(ErrorCode.Provider, 'endpoint quota exceeded');
      },
    };
    const promoter = createPromoter({ ledger: openFileLedger(dir), provider, env, captureProvenance: false });
    await promoter.register({ model: 'm', metrics: {} });
    await expect(promoter.promote({ model: 'm', version: 'v1', to: 'development' })).rejects.toThrow(
      'endpoint quota exceeded',
    );
    expect((await promoter.history('m')).map((e) => e.type)).toEqual([
      'version.registered',
      'promotion.requested',
      'gates.evaluated',
      'deploy.started',
      'deploy.failed',
    ]);
    const registry = createPromoter({ ledger: openFileLedger(dir), env, captureProvenance: false });
    await expect(
      registry.promote({ model: 'm', version: 'v1', to: 'development', expectedChampion: 'v9' }),
    ).rejects.toBeInstanceOf(RaceLostError);
    expect((await registry.deploy({ model: 'm', version: 'v1', stage: 'development' })).outcome).toBe(
      'promoted',
    );
    expect((await registry.ledger.verify()).ok).toBe(true);
  });
});

describe('assertPromoted', () => {
  it('turns gate failures and pending approvals into typed errors for CI steps', async () => {
    const promoter = createPromoter({ config, ledger: createMemoryLedger(), env, captureProvenance: false });
    await promoter.register({ model: 'churn', metrics: { accuracy: 0.5, mse: 9 } });
    await promoter.promote({ model: 'churn', version: 'v1', to: 'development' });
    const failed = await promoter.promote({ model: 'churn', version: 'v1', to: 'staging' });
    const error = (() => {
      try {
        assertPromoted(failed);
      } catch (e) {
        return e as GateFailedError;
      }
    })();
    expect(error).toBeInstanceOf(GateFailedError);
    expect(error?.code).toBe(ErrorCode.GateFailed);
    expect(error?.message).toBe(
      'churn v1 → staging was refused: metric accuracy: accuracy = 0.5 fails >= 0.9; metric mse: mse = 9 fails <= 6',
    );
  });
});
