// The seed (pachyderm/pachyderm-gha) replayed through `modelship-pachyderm`, against the double:
// its spec and data unchanged (glob "/*"), a real git repository whose HEAD names the image, the
// seed's own `pachctl put file` adding data, and every outcome read back with pachctl, not from
// what the CLI printed.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJsonStream } from '../src/json-stream.js';
import { commitInfoSchema, jobInfoSchema, pipelineInfoSchema } from '../src/schemas.js';
import { cliBin, cliBuilt, fixtures, housingWorld } from './world.js';

const world = housingWorld({ seed: false });
afterAll(world.cleanup);
const { double } = world;

/** The user's repository: the seed's spec and the pipeline code, committed with real git. */
const checkout = join(double.stateDir, 'checkout');
function git(args: string[]) {
  const result = spawnSync('git', args, {
    cwd: checkout,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'ci',
      GIT_AUTHOR_EMAIL: 'ci@example.com',
      GIT_COMMITTER_NAME: 'ci',
      GIT_COMMITTER_EMAIL: 'ci@example.com',
    },
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

function cli(args: string[], sha: string) {
  const env = {
    ...process.env,
    ...double.env,
    PACHCTL: double.pachctl,
    PACHYDERM_AUTH_TOKEN: world.settings.authToken,
    DOCKER_IMAGE_TAG: 'acme/housing-prices',
    GITHUB_SHA: sha,
    PACHYDERM_PIPELINE_FILES: join(checkout, 'regression.json'),
    GITHUB_ACTIONS: '',
  };
  const result = spawnSync(process.execPath, [cliBin, ...args, '--json'], { env, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}
const raw = (args: string[]) => parseJsonStream(double.run([...args, '--raw']));

describe.skipIf(!cliBuilt)('the seed through modelship-pachyderm', () => {
  it('push → image <name>:<git sha>; new data through the unmodified glob pipeline → new model; lineage to data and SHA', () => {
    mkdirSync(join(checkout, 'data'), { recursive: true });
    cpSync(join(fixtures, 'regression.json'), join(checkout, 'regression.json'));
    cpSync(join(fixtures, 'image'), join(checkout, 'image'), { recursive: true });
    cpSync(join(fixtures, 'housing-simplified-1.csv'), join(checkout, 'data', 'housing-simplified.csv'));
    git(['init', '-q']);
    git(['add', '.']);
    git(['commit', '-qm', 'regression pipeline']);
    const sha = git(['rev-parse', 'HEAD']);

    // Seed step 1 (`pachctl create repo housing_data`) is the world's; the first data set is uploaded.
    const upload = cli(['upload', join(checkout, 'data'), '--model', 'housing-data'], sha);
    // A push: build and "push" <image>:<sha>, retag the spec, update the pipeline, wait for the model.
    const push = `${double.pachctl} push-image {image} ${join(checkout, 'image')}`;
    const trained = cli(['train', '--model', 'housing', '--build', push], sha);
    expect(trained.refs).toMatchObject({ image: `acme/housing-prices:${sha}`, gitSha: sha });

    const pipeline = pipelineInfoSchema.parse(raw(['inspect', 'pipeline', 'regression'])[0]);
    expect(pipeline.details?.transform?.image).toBe(`acme/housing-prices:${sha}`);
    expect(pipeline.details?.input).toEqual({ pfs: { glob: '/*', repo: 'housing_data' } });
    const firstJob = jobInfoSchema.parse(raw(['inspect', 'job', `regression@${trained.refs.commit}`])[0]);
    expect(firstJob).toMatchObject({ state: 'JOB_SUCCESS', data_total: '1' });

    // Seed step 5, in pachctl 2.x: more data onto the branch; the pipeline retrains by itself.
    double.run([
      'put',
      'file',
      'housing_data@master:housing-simplified.csv',
      '-f',
      join(fixtures, 'housing-simplified-2.csv'),
    ]);
    const [data] = raw(['list', 'commit', 'housing_data@master', '-n', '1']).map((v) =>
      commitInfoSchema.parse(v),
    );
    expect(data?.parent_commit?.id).toBe(upload.refs.commit);
    const retrained = cli(['train', '--model', 'housing', '--option', `commit=${data!.commit.id}`], sha);
    expect(retrained.refs.commit).toBe(data!.commit.id);
    expect(retrained.metrics.rows).toBeGreaterThan(trained.metrics.rows);
    const model = commitInfoSchema.parse(raw(['inspect', 'commit', `regression@${data!.commit.id}`])[0]);
    expect(model).toMatchObject({ origin: { kind: 'AUTO' }, finished: expect.any(String) });

    const lineage = cli(['lineage', data!.commit.id, '--model-repo', 'regression'], sha);
    expect(lineage.data).toEqual([
      expect.objectContaining({ repo: 'housing_data', commit: data!.commit.id, parent: upload.refs.commit }),
    ]);
    expect(lineage.code).toEqual([
      expect.objectContaining({
        repo: 'regression.spec',
        commit: pipeline.spec_commit?.id,
        image: `acme/housing-prices:${sha}`,
        gitSha: sha,
      }),
    ]);
    // …and the SHA is the user's commit: git knows it, and it holds the spec that ran.
    expect(git(['cat-file', '-t', lineage.code[0].gitSha])).toBe('commit');
  });
});
