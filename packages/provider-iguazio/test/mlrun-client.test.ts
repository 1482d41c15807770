// The real `mlrun` Python client (pinned in scripts/peers.mjs, venv .peers/mlrun) judges the emulator.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { accessKey, capturingContext, emulatorSuite, iguazioAt, modelDir } from './helpers.js';

const python = join(import.meta.dirname, '../../../.peers/mlrun/bin/python');
const script = join(import.meta.dirname, '../python-tests/mlrun_client_judge.py');

describe.skipIf(!existsSync(python))('the real mlrun client against the emulator', () => {
  const suite = emulatorSuite('iguazio-judge-');

  it('reads what the provider wrote and round-trips store/read/tag/list', async () => {
    const provider = iguazioAt(suite.emulator.url, 'judge', {
      stages: { production: { function: 'clf-serving' } },
    });
    const { context } = capturingContext();
    const model = await modelDir();
    const uploaded = await provider.upload(
      { model: { name: 'clf', version: 'v1' }, path: model.dir },
      context,
    );
    const exported = await provider.exportModel(
      { modelUri: uploaded.uri, tag: 'challenger', dir: join(suite.work, 'artifacts'), yes: true },
      context,
    );
    const deployed = await provider.deploy(
      { model: { name: 'clf', version: 'v1' }, stage: 'production', refs: uploaded.refs },
      context,
    );
    await model.cleanup();
    const { stdout } = await promisify(execFile)(
      python,
      [script, suite.emulator.url, 'judge', 'clf', uploaded.refs.tree!, exported.path, 'clf-serving'],
      {
        timeout: 120_000,
        env: {
          ...process.env,
          V3IO_ACCESS_KEY: accessKey,
          MLRUN_DBPATH: suite.emulator.url,
          MLRUN_LOG_LEVEL: 'ERROR',
        },
      },
    );
    const seen = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(seen).toMatchObject({
      server_version: '1.12.1',
      project_name: 'judge',
      uploaded_kind: 'model',
      first_kind: 'model',
      first_metrics: { accuracy: 0.8 },
      first_tree: 'tree1',
      champion_tree: 'tree2',
      champions_listed: 1,
      versions_listed: ['tree1', 'tree2'],
      exported_kind: 'model',
      exported_key: 'clf',
      missing: 'MLRunNotFoundError',
      workflow_status: 'running',
      pipeline_states: ['Running', 'Succeeded'],
      workflow_metrics: { accuracy: 0.97, f1: 0.92 },
      nuclio_state: 'ready',
      serving_kind: 'serving',
      serving_runtime: 'ServingRuntime',
      serving_graph: 'RouterStep',
      serving_route: {
        step: 'TaskStep',
        class_name: 'mlrun.frameworks.sklearn.SklearnModelServer',
        model_path: deployed.refs.storeUri,
      },
      serving_round_trip: true,
      deleted: 'MLRunNotFoundError',
      no_source: ['MLRunBadRequestError', true],
      undefined_workflow: ['MLRunPreconditionFailedError', true],
    });
    expect(seen.paged_count).toBe(seen.all_count);
    expect(seen.paged_pages).toBe(seen.all_count);
    expect(seen.artifact_tags).toEqual(expect.arrayContaining(['champion', 'latest', 'v1', 'v2']));
    expect(seen.nuclio_address).toContain('judge-judge-serving');
    expect(seen.uploaded_labels['modelship/manifest-digest']).toBe(uploaded.manifestDigest);
    expect(seen.models_listed).toEqual(['clf', 'judge-model']);
    expect(suite.emulator.requests.every((r) => r.authenticated)).toBe(true);
  }, 150_000);
});
