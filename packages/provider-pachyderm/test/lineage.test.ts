// Issue 19 item 6: lineage reaches the code. A version trained by a push and a version retrained
// by a data commit (no modelship call made the job) both name their data commit, their spec
// commit, the image with its tag, and the git SHA the image was built from.
import { afterAll, describe, expect, it } from 'vitest';
import { createPachydermProvider } from '../src/index.js';
import { housingWorld, imageName, quietContext } from './world.js';

const sha = '0123456789abcdef0123456789abcdef01234567';
const world = housingWorld({ tag: sha });
afterAll(world.cleanup);
const context = quietContext();
const provider = createPachydermProvider({ ...world.settings, imageTag: undefined, gitSha: sha });

describe('lineage: model → data commits, spec commit, image:tag, git SHA', () => {
  it('a pushed version and a data-triggered retrain both reach the image and the git SHA', async () => {
    const pushed = await provider.train({ model: { name: 'housing' } }, context);
    expect(pushed.refs).toMatchObject({ image: `${imageName}:${sha}`, gitSha: sha });

    const data = world.putData('housing-simplified-2.csv');
    const retrained = await provider.train(
      { model: { name: 'housing' }, options: { commit: data } },
      context,
    );
    expect(retrained.refs).toMatchObject({
      commit: data,
      dataCommits: `housing_data@${data}`,
      specCommits: pushed.refs.specCommits,
      image: `${imageName}:${sha}`,
      gitSha: sha,
    });

    const lineage = await provider.lineage({ commit: data }, context);
    expect(lineage.data.map((d) => d.commit)).toEqual([data]);
    expect(lineage.code).toEqual([
      expect.objectContaining({
        repo: 'regression.spec',
        pipeline: 'regression',
        image: `${imageName}:${sha}`,
        gitSha: sha,
      }),
    ]);
  });

  it('train needs the git SHA when the image tag is not one, naming the option and the variable', async () => {
    const untraceable = createPachydermProvider({
      ...world.settings,
      imageTag: 'latest',
      gitSha: undefined,
    });
    await expect(untraceable.train({ model: { name: 'housing' } }, context)).rejects.toThrow(
      /settings\.gitSha or the GITHUB_SHA environment variable/,
    );
  });
});
