// Issue 19 item 7: the double knows what the seed (pachyderm/pachyderm-gha's README, in 2.x
// spelling) does by hand — `put file` onto a branch with no open commit, `list commit`, waiting for
// a commit or job — and its jobs run asynchronously, so a caller that does not wait sees them running.
// Each JSON shape is pachd's: CommitInfo from ListCommit/WaitCommit, JobInfo from WaitJob.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJsonStream } from '../src/json-stream.js';
import { commitInfoSchema, jobInfoSchema } from '../src/schemas.js';
import { fixtures, housingWorld } from './world.js';

const world = housingWorld({ seed: false });
const { double } = world;
afterAll(world.cleanup);

/** Runs the double; `jobMs` is how long its jobs run (read when a job is looked at). */
function pachctl(args: string[], jobMs = 300) {
  const result = spawnSync(double.pachctl, args, {
    env: { ...process.env, ...double.env, PACHCTL_DOUBLE_JOB_MS: String(jobMs) },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}
const raw = (args: string[], jobMs?: number) => parseJsonStream(pachctl([...args, '--raw'], jobMs));

describe('the double replays the seed', () => {
  let first: string;

  it('put file onto a branch with no open commit makes and finishes a commit, and starts a job that runs', () => {
    double.pushImage('pachyderm/housing-prices:1.11.0', join(fixtures, 'image'));
    pachctl(['create', 'pipeline', '-f', world.spec]);
    // The seed: `pachctl put file housing_data@master:housing-simplified.csv -f data/…-1.csv`.
    const csv = join(fixtures, 'housing-simplified-1.csv');
    pachctl(['put', 'file', 'housing_data@master:housing-simplified.csv', '-f', csv], 60_000);
    const [data] = raw(['list', 'commit', 'housing_data@master'], 60_000).map((v) =>
      commitInfoSchema.parse(v),
    );
    expect(data).toMatchObject({ origin: { kind: 'USER' }, finished: expect.any(String) });
    first = data!.commit.id;
    // Jobs are asynchronous: right after the put, the job runs and the model commit is open.
    const running = jobInfoSchema.parse(raw(['inspect', 'job', `regression@${first}`], 60_000)[0]);
    expect(running.state).toBe('JOB_RUNNING');
    const open = commitInfoSchema.parse(raw(['inspect', 'commit', `regression@${first}`], 60_000)[0]);
    expect(open.finished).toBeFalsy();
  });

  it('wait commit returns the model commit once the job is done; the job then reads JOB_SUCCESS', () => {
    const model = commitInfoSchema.parse(raw(['wait', 'commit', `regression@${first}`])[0]);
    expect(model).toMatchObject({ origin: { kind: 'AUTO' }, finished: expect.any(String) });
    expect(jobInfoSchema.parse(raw(['inspect', 'job', `regression@${first}`])[0])).toMatchObject({
      state: 'JOB_SUCCESS',
      data_total: '1',
    });
    expect(JSON.parse(pachctl(['get', 'file', `regression@${first}:/metrics.json`])).rows).toBe(100);
  });

  it('a second put overwrites the file (2.x default), wait job returns its JobInfo, list commit shows both', () => {
    const csv = join(fixtures, 'housing-simplified-2.csv');
    pachctl(['put', 'file', 'housing_data@master:housing-simplified.csv', '-f', csv]);
    const commits = raw(['list', 'commit', 'housing_data@master']).map((v) => commitInfoSchema.parse(v));
    expect(commits.map((c) => c.parent_commit?.id ?? null)).toEqual([first, null]);
    const second = commits[0]!.commit.id;
    const job = jobInfoSchema.parse(raw(['wait', 'job', `regression@${second}`])[0]);
    expect(job).toMatchObject({ state: 'JOB_SUCCESS', data_total: '1' });
    expect(JSON.parse(pachctl(['get', 'file', `regression@${second}:/metrics.json`])).rows).toBeGreaterThan(
      100,
    );
    const models = raw(['list', 'commit', 'regression@master', '-n', '1']).map((v) =>
      commitInfoSchema.parse(v),
    );
    expect(models.map((c) => c.commit.id)).toEqual([second]);
  });

  it("refuses 1.x's --overwrite as pachctl 2.x does", () => {
    const csv = join(fixtures, 'housing-simplified-2.csv');
    expect(() =>
      pachctl(['put', 'file', 'housing_data@master:housing-simplified.csv', '-f', csv, '--overwrite']),
    ).toThrow(/unknown flag: --overwrite/);
  });
});
