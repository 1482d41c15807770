import { type MlrunEmulator, startMlrunEmulator } from '@modelship/testing-mlrun-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIguazioProvider, type IguazioProvider } from '../src/index.js';
import { accessKey, capturingContext, iguazioAt, modelDir } from './helpers.js';

describe('challenger/champion tags and per-environment deploys', () => {
  let emulator: MlrunEmulator;
  let provider: IguazioProvider;
  const { context } = capturingContext();
  const refsOf = async (content: string, version: string) => {
    const model = await modelDir(content);
    const uploaded = await provider.upload({ model: { name: 'clf', version }, path: model.dir }, context);
    await model.cleanup();
    return uploaded.refs;
  };

  beforeAll(async () => {
    emulator = await startMlrunEmulator({ accessKey });
    provider = iguazioAt(emulator.url, 'fraud-dev', {
      stages: { production: { project: 'fraud-prod', function: 'fraud-serving' } },
    });
  });
  afterAll(() => emulator.close());

  it('moving champion to a new version removes it from the old one', async () => {
    const v1 = await refsOf('weights-1', 'v1');
    const v2 = await refsOf('weights-2', 'v2');
    await provider.tag(
      { model: { name: 'clf', version: 'v1' }, stage: 'production', tag: 'champion', refs: v1 },
      context,
    );
    await provider.tag(
      { model: { name: 'clf', version: 'v2' }, stage: 'production', tag: 'champion', refs: v2 },
      context,
    );
    const table = emulator.artifacts('fraud-dev');
    const holders = table.rows.filter((row) => table.tagsOf(row).includes('champion'));
    expect(holders.map((row) => row.tree)).toEqual([v2.tree]);
    const moved = emulator.requests.filter((r) => r.path === '/api/v1/projects/fraud-dev/tags/champion');
    expect(moved.map((r) => r.method)).toEqual(['PUT', 'DELETE', 'PUT']);
  });

  it('removes a tag only from the version that holds it', async () => {
    const v3 = await refsOf('weights-3', 'v3');
    await provider.tag(
      { model: { name: 'clf', version: 'v3' }, stage: 'staging', tag: 'challenger', refs: v3 },
      context,
    );
    await provider.tag(
      {
        model: { name: 'clf', version: 'v3' },
        stage: 'staging',
        tag: 'challenger',
        action: 'remove',
        refs: v3,
      },
      context,
    );
    const table = emulator.artifacts('fraud-dev');
    expect(table.rows.some((row) => table.tagsOf(row).includes('challenger'))).toBe(false);
  });

  it('maps modelship tags to configured MLRun tag names', async () => {
    const renamed = createIguazioProvider({
      apiUrl: emulator.url,
      accessKey,
      project: 'fraud-dev',
      tagNames: { champion: 'prod-live' },
    });
    const v1 = await refsOf('weights-1', 'v1');
    const result = await renamed.tag(
      { model: { name: 'clf', version: 'v1' }, stage: 'production', tag: 'champion', refs: v1 },
      context,
    );
    expect(result.refs.tagUri).toBe('store://models/fraud-dev/clf:prod-live');
    const table = emulator.artifacts('fraud-dev');
    expect(
      table.rows.filter((row) => table.tagsOf(row).includes('prod-live')).map((row) => row.tree),
    ).toEqual([v1.tree]);
  });

  it('rejects a tag MLRun would refuse, naming it', async () => {
    const v1 = await refsOf('weights-1', 'v1');
    await expect(
      provider.tag(
        { model: { name: 'clf', version: 'v1' }, stage: 'staging', tag: 'not ok', refs: v1 },
        context,
      ),
    ).rejects.toThrow('tag "not ok" is not valid');
  });

  it('deploys each environment to its own project and function, and rollback restores the previous model', async () => {
    const v1 = await refsOf('weights-1', 'v1');
    const v2 = await refsOf('weights-2', 'v2');
    const first = await provider.deploy(
      { model: { name: 'clf', version: 'v1' }, stage: 'production', refs: v1 },
      context,
    );
    expect(first.status).toEqual({ unified: 'deployed', raw: 'ready' });
    expect(first.refs).toMatchObject({ stageProject: 'fraud-prod', function: 'fraud-serving' });
    const staging = await provider.deploy(
      { model: { name: 'clf', version: 'v2' }, stage: 'staging', refs: v2 },
      context,
    );
    expect(staging.refs).toMatchObject({ stageProject: 'fraud-dev', function: 'serving-staging' });
    await provider.deploy({ model: { name: 'clf', version: 'v2' }, stage: 'production', refs: v2 }, context);
    const modelPath = () =>
      (
        emulator.functions.get('fraud-prod/fraud-serving')!.body.spec as {
          graph: { routes: { clf: { class_args: { model_path: string } } } };
        }
      ).graph.routes.clf.class_args.model_path;
    expect(modelPath()).toBe(v2.storeUri);
    const back = await provider.deploy(
      {
        model: { name: 'clf', version: 'v1' },
        stage: 'production',
        refs: v1,
        rollback: true,
        previous: { version: 'v2', refs: v2 },
      },
      context,
    );
    expect(back.refs.tree).toBe(v1.tree);
    expect(modelPath()).toBe(v1.storeUri);
    const status = await provider.status({ model: { name: 'clf' }, stage: 'production' }, context);
    expect(status.status.unified).toBe('deployed');
    expect(status.endpoint).toContain('fraud-prod-fraud-serving');
  });

  it('a repeated deploy of what already serves posts nothing', async () => {
    const v2 = await refsOf('weights-2', 'v2');
    const before = emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/deploy')).length;
    await provider.deploy({ model: { name: 'clf', version: 'v2' }, stage: 'staging', refs: v2 }, context);
    expect(emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/deploy')).length).toBe(
      before,
    );
  });

  it('a serving function that ends in error surfaces its log', async () => {
    const v1 = await refsOf('weights-1', 'v1');
    // The artifact exists when deploy checks it, then disappears before nuclio resolves it.
    const deploying = provider.deploy(
      { model: { name: 'clf', version: 'v1' }, stage: 'qa', refs: v1 },
      context,
    );
    await new Promise((resolve) => setTimeout(resolve, 2));
    emulator.artifacts('fraud-dev').rows.splice(0);
    await expect(deploying).rejects.toMatchObject({ code: 'provider_error', rawCode: 'error' });
  });
});
