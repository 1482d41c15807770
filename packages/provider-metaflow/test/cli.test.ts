import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { settingsFromFlags, stageTagsOf } from '../src/cli.js';
import { flowName, flowsDir, metaflowEnv, python } from './fixtures.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../cli/bin/modelship-metaflow.js', import.meta.url));
const built =
  existsSync(join(bin, '..', '..', 'dist', 'wrapper.js')) &&
  existsSync(new URL('../dist/cli.js', import.meta.url));

describe('modelship-metaflow flags', () => {
  it('maps flags to settings', () => {
    const settings = settingsFromFlags(
      { 'stage-tag': ['staging=candidate'], 'only-json': true, 'no-card': true, 'argo-stage': ['prod'] },
      {},
    );
    expect(settings).toMatchObject({
      stageTags: { staging: 'candidate' },
      onlyJson: true,
      withCard: false,
      argoStages: ['prod'],
    });
    expect(() => stageTagsOf(['staging'])).toThrow(/must be STAGE=TAG/);
  });
});

describe('the example config (apps/examples/metaflow/modelship.config.yaml, copied as a fixture)', () => {
  it('its camelCase keys reach the provider as `modelship` passes them (strings) and as written', async () => {
    const { loadConfig } = await import('@modelship/core');
    const { config } = await loadConfig(
      fileURLToPath(new URL('./fixtures/example.modelship.config.yaml', import.meta.url)),
    );
    const written = config.providers.metaflow ?? {};
    const asText = Object.fromEntries(
      Object.entries({
        ...written,
        onlyJson: true,
        argoStages: ['production', 'canary'],
        stageTags: { staging: 'cand' },
      }).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]),
    );
    for (const values of [written as Record<string, string>, asText])
      expect(settingsFromFlags(values, {})).toMatchObject({
        trainFlow: 'evaluate_new_model_flow.py',
        deployFlow: 'predict_flow.py',
        modelArtifact: 'model_path',
        deployDatastore: 's3',
      });
    expect(settingsFromFlags(asText, {})).toMatchObject({
      onlyJson: true,
      argoStages: ['production', 'canary'],
      stageTags: { staging: 'cand' },
    });
    expect(() => settingsFromFlags({ onlyJson: 'yes' }, {})).toThrow(/onlyJson must be true or false/);
  });
});

describe.skipIf(!built)('modelship-metaflow end to end (spawned, real Metaflow)', () => {
  const shared = inject('metaflowRuns');
  const cli = (args: string[]) =>
    run(process.execPath, [bin, ...args, '--json', '--python', python, '--cwd', flowsDir], {
      env: { ...process.env, ...metaflowEnv(shared.root) },
      timeout: 180_000,
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);

  it('show, status and select answer with JSON; a missing run exits non-zero with not_found', async () => {
    const shown = await cli(['show', '--run', shared.good, '--artifact', 'eval_metrics']);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      pathspec: shared.good,
      artifacts: { eval_metrics: { accuracy: 0.93 } },
    });

    const status = await cli(['status', '--model', 'm', '--ref', `runId=${shared.failed}`]);
    expect(JSON.parse(status.stdout).status.unified).toBe('failed');

    const none = await cli(['select', '--flow', flowName, '--tag', `nobody_${Date.now()}`]);
    expect((none as { code?: number }).code).not.toBe(0);
    expect(JSON.parse(none.stdout)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

    const missing = await cli(['show', '--run', `${flowName}/5`]);
    expect(JSON.parse(missing.stdout)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('a failed training run exits 1; its JSON still says why', async () => {
    const failed = await cli([
      'train',
      '--model',
      'm',
      '--train-flow',
      'train_flow.py',
      '--no-card',
      '--param',
      'fail=true',
    ]);
    expect((failed as { code?: number }).code).toBe(1);
    const result = JSON.parse(failed.stdout);
    expect(result).toMatchObject({ status: { unified: 'failed', raw: 'step start failed' } });
    expect(result.runId).toMatch(new RegExp(`^${flowName}/\\d+$`));
    expect(failed.stderr).toContain(`run ${result.runId} is failed (step start failed)`);
  });

  it('`modelship train` exits 1 on a failed run and registers nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelship-metaflow-train-cli-'));
    writeFileSync(
      join(dir, 'modelship.config.yaml'),
      `version: 1\nstages: [staging]\nproviders:\n  metaflow:\n    python: ${python}\n    cwd: ${flowsDir}\n`,
    );
    const modelship = fileURLToPath(new URL('../../cli/bin/modelship.js', import.meta.url));
    const args = ['train', 'm', '--register', '--option', 'flow=train_flow.py', '--param', 'fail=true'];
    const failed = await run(process.execPath, [modelship, ...args, '--json'], {
      cwd: dir,
      env: { ...process.env, ...metaflowEnv(shared.root) },
      timeout: 180_000,
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect((failed as { code?: number }).code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ model: 'm', status: { unified: 'failed' } });
    expect(existsSync(join(dir, '.modelship')), 'nothing was registered').toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
