import { ErrorCode, ModelshipError } from '@modelship/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createPachydermProvider } from '../src/index.js';
import { parseJsonStream } from '../src/json-stream.js';
import { commitInfoSchema } from '../src/schemas.js';
import { housingWorld, quietContext } from './world.js';

const world = housingWorld();
afterAll(world.cleanup);
const context = quietContext();
const provider = createPachydermProvider({ ...world.settings, modelRepo: 'regression' });
const metadataOf = (picker: string) =>
  commitInfoSchema.parse(parseJsonStream(world.double.run(['inspect', 'commit', picker, '--raw']))[0])
    .metadata;

describe('stages as branches, lineage per version', () => {
  let first: Awaited<ReturnType<typeof provider.train>>;
  let second: Awaited<ReturnType<typeof provider.train>>;

  it('a data update produces a new model commit whose lineage reaches both data commits', async () => {
    first = await provider.train({ model: { name: 'housing' } }, context);
    const dataCommit = world.putData('housing-simplified-2.csv');
    second = await provider.train({ model: { name: 'housing' }, options: { commit: dataCommit } }, context);
    expect(second.refs.commit).toBe(dataCommit);
    expect(second.metrics.rows).toBeGreaterThan(first.metrics.rows!);
    const lineage = await provider.lineage({ commit: second.refs.commit! }, context);
    expect(lineage.data).toEqual([
      expect.objectContaining({
        repo: 'housing_data',
        commit: dataCommit,
        parent: first.refs.dataCommits!.split('@')[1],
      }),
    ]);
    expect(lineage.code[0]?.repo).toBe('regression.spec');
    expect(lineage.model).toMatchObject({
      repo: 'regression',
      origin: 'AUTO',
      createdBy: 'pipeline:regression',
    });
  });

  it('tag moves <repo>@<stage> and records the stage in commit metadata; remove drops the tag only', async () => {
    const refs = { repo: 'regression', commit: first.refs.commit! };
    await provider.tag(
      { model: { name: 'housing', version: 'v1' }, stage: 'staging', tag: 'challenger', refs },
      context,
    );
    expect(metadataOf(`regression@${refs.commit}`)).toEqual({
      'modelship.stage': 'staging',
      'modelship.tag.staging': 'challenger',
      'modelship.version': 'v1',
    });
    const status = await provider.status({ model: { name: 'housing' }, stage: 'staging' }, context);
    expect(status.refs.commit).toBe(refs.commit);
    await provider.tag(
      {
        model: { name: 'housing', version: 'v1' },
        stage: 'staging',
        tag: 'challenger',
        refs,
        action: 'remove',
      },
      context,
    );
    expect(metadataOf(`regression@${refs.commit}`)).not.toHaveProperty('modelship.tag.staging');
  });

  it('deploy points the production branch at the approved commit; rollback moves it back', async () => {
    const v1 = { repo: 'regression', commit: first.refs.commit! };
    const v2 = { repo: 'regression', commit: second.refs.commit! };
    await provider.deploy(
      { model: { name: 'housing', version: 'v1' }, stage: 'production', refs: v1 },
      context,
    );
    const up = await provider.deploy(
      {
        model: { name: 'housing', version: 'v2' },
        stage: 'production',
        refs: v2,
        previous: { version: 'v1', refs: v1 },
      },
      context,
    );
    expect(up).toMatchObject({
      status: { unified: 'deployed' },
      endpoint: 'regression@production',
      refs: { previousCommit: v1.commit },
    });
    const back = await provider.deploy(
      {
        model: { name: 'housing', version: 'v1' },
        stage: 'production',
        refs: v1,
        previous: { version: 'v2', refs: v2 },
        rollback: true,
      },
      context,
    );
    expect(back.status.raw).toBe(`regression@production=${v1.commit}`);
    expect(
      (await provider.status({ model: { name: 'housing' }, stage: 'production', refs: v2 }, context)).status
        .unified,
    ).toBe('unknown');
    expect((await provider.status({ model: { name: 'housing' } }, context)).status).toEqual({
      unified: 'deployed',
      raw: 'PIPELINE_RUNNING',
    });
  });

  it('rejects refs without a commit and names a commit that does not exist', async () => {
    await expect(
      provider.deploy({ model: { name: 'housing', version: 'v9' }, stage: 'production', refs: {} }, context),
    ).rejects.toThrow(/refs need "commit"/);
    const error = await provider
      .deploy(
        {
          model: { name: 'housing', version: 'v9' },
          stage: 'production',
          refs: { repo: 'regression', commit: 'f'.repeat(32) },
        },
        context,
      )
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.NotFound)).toBe(true);
    expect((error as Error).message).toContain('f'.repeat(32));
    await expect(
      provider.deploy(
        {
          model: { name: 'housing', version: 'v9' },
          stage: 'prod/../x',
          refs: { repo: 'regression', commit: 'a' },
        },
        context,
      ),
    ).rejects.toThrow(/not a valid Pachyderm name/);
  });
});
