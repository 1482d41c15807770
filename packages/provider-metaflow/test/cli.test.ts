import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { SettingFlag } from '@modelship/core';
import { resolveSettings, type SettingSources } from '@modelship/core/provider-kit';
import { describe, expect, inject, it } from 'vitest';
import { settingFlags, settingsSchema } from '../src/index.js';
import { flowName, flowsDir, metaflowEnv, python } from './fixtures.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../cli/bin/modelship-metaflow.js', import.meta.url));
const built =
  existsSync(join(bin, '..', '..', 'dist', 'wrapper.js')) &&
  existsSync(new URL('../dist/cli.js', import.meta.url));

const resolveFrom = (sources: Partial<Omit<SettingSources, 'provider' | 'fields'>>) =>
  resolveSettings(settingsSchema, { provider: 'metaflow', fields: settingFlags, env: {}, ...sources });

describe('modelship-metaflow settings (one schema for flags, environment and providers.metaflow)', () => {
  it('has flag metadata for exactly the schema keys; the secrets have an environment variable', () => {
    expect(Object.keys(settingFlags).sort()).toEqual(Object.keys(settingsSchema.shape).sort());
    for (const [key, field] of Object.entries(settingFlags) as [string, SettingFlag][])
      if (field.secret) expect(field.env, `${key} is set through the environment`).toBeDefined();
  });

  it('maps flags to settings (lists comma separated) and says what a bad STAGE=TAG is', () => {
    expect(
      resolveFrom({
        flags: { 'stage-tag': 'staging=candidate', 'only-json': true, 'argo-stage': 'prod,canary' },
      }),
    ).toEqual({ stageTags: { staging: 'candidate' }, onlyJson: true, argoStages: ['prod', 'canary'] });
    expect(() => resolveFrom({ flags: { 'stage-tag': 'staging' } })).toThrow(
      /--stage-tag: "staging" is not STAGE=TAG/,
    );
    expect(resolveFrom({ env: { MODELSHIP_METAFLOW_WITH_CARD: 'false' } })).toEqual({ withCard: false });
  });
});

describe('the example config (apps/examples/metaflow/modelship.config.yaml, copied as a fixture)', () => {
  it('its camelCase keys resolve as the flags do; an unknown key is an error naming the known ones', async () => {
    const { loadConfig } = await import('@modelship/core');
    const path = fileURLToPath(new URL('./fixtures/example.modelship.config.yaml', import.meta.url));
    const { config } = await loadConfig(path);
    const fromConfig = resolveFrom({ config: { settings: config.providers.metaflow ?? {}, path } });
    expect(fromConfig).toEqual({
      trainFlow: 'evaluate_new_model_flow.py',
      deployFlow: 'predict_flow.py',
      modelArtifact: 'model_path',
      deployDatastore: 's3',
    });
    const flags = {
      'train-flow': 'evaluate_new_model_flow.py',
      'deploy-flow': 'predict_flow.py',
      'model-artifact': 'model_path',
      'deploy-datastore': 's3',
    };
    expect(resolveFrom({ flags })).toEqual(fromConfig);
    const written = { onlyJson: true, argoStages: ['production', 'canary'], stageTags: { staging: 'cand' } };
    expect(resolveFrom({ config: { settings: written, path } })).toEqual(written);
    expect(() => resolveFrom({ config: { settings: { 'train-flow': 'x.py' }, path } })).toThrow(
      /providers\.metaflow\.train-flow is not a metaflow setting; known: .*trainFlow/,
    );
    expect(() => resolveFrom({ config: { settings: { onlyJson: 'yes' }, path } })).toThrow(
      /providers\.metaflow\.onlyJson/,
    );
    expect(() => resolveFrom({ config: { settings: { apiKey: 'k-123' }, path } })).toThrow(
      /apiKey is a secret.*METAFLOW_SERVICE_AUTH_KEY/,
    );
  });
});

describe.skipIf(!built)('modelship-metaflow end to end (spawned, real Metaflow)', () => {
  const shared = inject('metaflowRuns');
  const cli = (args: string[]) =>
    run(process.execPath, [bin, ...args, '--json', '--python', python, '--cwd', flowsDir], {
      env: { ...process.env, ...metaflowEnv(shared.root) },
      timeout: 180_000,
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);

  it('--help is generated from the settings: each flag with its environment variable and config key', async () => {
    const { stdout } = await run(process.execPath, [bin, '--help']);
    expect(stdout).toContain('metaflow settings');
    for (const [key, field] of Object.entries(settingFlags) as [string, SettingFlag][]) {
      if (field.env) expect(stdout).toContain(`env ${field.env}`);
      if (!field.secret) expect(stdout).toContain(`config ${key}`);
    }
    expect(stdout).toMatch(/--train-flow X/);
  });

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
      '--option',
      'withCard=false',
      '--param',
      'fail=true',
    ]);
    expect((failed as { code?: number }).code).toBe(1);
    const result = JSON.parse(failed.stdout);
    expect(result).toMatchObject({ status: { unified: 'failed', raw: 'step start failed' } });
    expect(result.runId).toMatch(new RegExp(`^${flowName}/\\d+$`));
    expect(failed.stderr).toContain(`run ${result.runId} is failed (step start failed)`);
  });

  // The flow comes from the config's camelCase trainFlow (issue 15: the example's keys were ignored).
  it('`modelship train` reads providers.metaflow as written; a failed run exits 1 and registers nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelship-metaflow-train-cli-'));
    writeFileSync(
      join(dir, 'modelship.config.yaml'),
      `version: 1\nstages: [staging]\nproviders:\n  metaflow:\n    python: ${python}\n    cwd: ${flowsDir}\n    trainFlow: train_flow.py\n    withCard: false\n`,
    );
    const modelship = fileURLToPath(new URL('../../cli/bin/modelship.js', import.meta.url));
    const args = ['train', 'm', '--register', '--param', 'fail=true'];
    const failed = await run(process.execPath, [modelship, ...args, '--json'], {
      cwd: dir,
      env: { ...process.env, ...metaflowEnv(shared.root) },
      timeout: 180_000,
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect((failed as { code?: number }).code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({
      model: 'm',
      status: { unified: 'failed', raw: 'step start failed' },
    });
    expect(existsSync(join(dir, '.modelship')), 'nothing was registered').toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
