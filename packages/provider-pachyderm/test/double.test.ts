// The double speaks pachctl's protocol: argv, exit codes, stdin, and protobuf-JSON output.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJsonStream } from '../src/json-stream.js';
import { commitInfoSchema, jobInfoSchema, pipelineInfoSchema } from '../src/schemas.js';
import { fixtures, housingWorld, imageName, token } from './world.js';

const world = housingWorld();
const { double } = world;
afterAll(world.cleanup);

function pachctl(args: string[], input?: string) {
  const result = spawnSync(double.pachctl, args, {
    env: { ...process.env, ...double.env },
    input,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
const raw = (args: string[]) => parseJsonStream(double.run([...args, '--raw', '-o', 'json']));
const spec = (image: string) =>
  JSON.stringify({
    ...JSON.parse(readFileSync(world.spec, 'utf8')),
    transform: { ...JSON.parse(readFileSync(world.spec, 'utf8')).transform, image },
  });

describe('the pachctl double', () => {
  it('prints CommitInfo as protobuf JSON: snake_case fields, enum names, int64 as strings', () => {
    const [info] = raw(['inspect', 'commit', 'housing_data@master']) as Array<Record<string, unknown>>;
    expect(Object.keys(info!)).toEqual(
      expect.arrayContaining(['commit', 'origin', 'started', 'finished', 'size_bytes_upper_bound']),
    );
    expect(info!.origin).toEqual({ kind: 'USER' });
    expect(typeof info!.size_bytes_upper_bound).toBe('string');
    const commit = commitInfoSchema.parse(info).commit;
    expect(commit.id).toMatch(/^[0-9a-f]{32}$/);
    expect(commit.branch?.repo?.project?.name).toBe('default');
  });

  it('fails like pachctl: exit code 1 and the error on stderr', () => {
    expect(pachctl(['inspect', 'commit', 'housing_data@0000'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('not found in repo housing_data'),
    });
    expect(pachctl(['inspect', 'repo', 'nope', '--bogus'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('unknown flag: --bogus'),
    });
    expect(pachctl(['create', 'repo', 'housing_data']).stderr).toContain('already exists');
  });

  it('refuses every call until the auth token arrives on stdin, and keeps it in the pachctl config', () => {
    const other = { ...double.env, PACH_CONFIG: join(double.stateDir, 'other-config.json') };
    const run = (args: string[], input?: string) =>
      spawnSync(double.pachctl, args, { env: { ...process.env, ...other }, input, encoding: 'utf8' });
    expect(run(['inspect', 'repo', 'housing_data']).stderr).toContain('code = Unauthenticated');
    expect(run(['auth', 'use-auth-token'], 'wrong-token\n').status).toBe(0);
    expect(run(['inspect', 'repo', 'housing_data']).stderr).toContain('corrupted or has expired');
    expect(run(['auth', 'use-auth-token'], `${token}\n`).status).toBe(0);
    expect(run(['inspect', 'repo', 'housing_data']).status).toBe(0);
    const config = JSON.parse(readFileSync(other.PACH_CONFIG, 'utf8'));
    expect(config.v2.contexts.default.session_token).toBe(token);
  });

  it('runs a created pipeline: the job shares its spec commit id and the output commit has provenance', () => {
    double.run(['create', 'pipeline', '-f', '-'], spec(`${imageName}:c0ffee1`));
    const [pipeline] = raw(['inspect', 'pipeline', 'regression']).map((v) => pipelineInfoSchema.parse(v));
    const id = pipeline!.spec_commit!.id;
    const [job] = raw(['wait', 'job', `regression@${id}`]).map((v) => jobInfoSchema.parse(v));
    expect(job).toMatchObject({ state: 'JOB_SUCCESS', data_processed: '1', data_total: '1' });
    const [model] = raw(['inspect', 'commit', `regression@${id}`]).map((v) => commitInfoSchema.parse(v));
    expect(model!.origin?.kind).toBe('AUTO');
    expect(
      model!.direct_provenance?.map(
        (p) =>
          `${(p as { repo: { name: string; type: string } }).repo.name}/${(p as { repo: { type: string } }).repo.type}`,
      ),
    ).toEqual(['housing_data/user', 'regression/spec']);
    expect(JSON.parse(double.run(['get', 'file', `regression@${id}:/metrics.json`])).rows).toBe(100);
  });

  it('a data commit triggers a job in the same commit set (global id), and unchanged datums are skipped unless --reprocess', () => {
    const data = world.putData('housing-simplified-2.csv');
    expect(raw(['wait', 'job', `regression@${data}`])[0]).toMatchObject({
      state: 'JOB_SUCCESS',
      data_processed: '1',
    });
    double.pushImage(`${imageName}:c0ffee2`, join(fixtures, 'image'));
    double.run(['update', 'pipeline'], spec(`${imageName}:c0ffee2`));
    const skipped = pipelineInfoSchema.parse(raw(['inspect', 'pipeline', 'regression'])[0]).spec_commit!.id;
    expect(raw(['wait', 'job', `regression@${skipped}`])[0]).toMatchObject({
      data_processed: '0',
      data_skipped: '1',
    });
    double.run(['update', 'pipeline', '--reprocess'], spec(`${imageName}:c0ffee2`));
    const redone = pipelineInfoSchema.parse(raw(['inspect', 'pipeline', 'regression'])[0]).spec_commit!.id;
    expect(raw(['wait', 'job', `regression@${redone}`])[0]).toMatchObject({
      data_processed: '1',
      data_skipped: '0',
    });
    const jobs = raw(['list', 'job', '-p', 'regression']);
    expect(jobs.length).toBe(4);
  });

  it('fails a job whose image was never pushed, with the reason on the job and the output commit', () => {
    double.run(['update', 'pipeline'], spec(`${imageName}:not-pushed`));
    const id = pipelineInfoSchema.parse(raw(['inspect', 'pipeline', 'regression'])[0]).spec_commit!.id;
    const job = jobInfoSchema.parse(raw(['wait', 'job', `regression@${id}`])[0]);
    expect(job.state).toBe('JOB_FAILURE');
    expect(job.reason).toContain('ErrImagePull');
    expect(commitInfoSchema.parse(raw(['inspect', 'commit', `regression@${id}`])[0]).error).toContain(
      'ErrImagePull',
    );
  });

  it('edits commit metadata as pachctl ≥ 2.10 does: add refuses an existing key, edit does not', () => {
    double.run(['edit', 'metadata', 'commit', 'housing_data@master', 'add', 'owner=data-team']);
    expect(pachctl(['edit', 'metadata', 'commit', 'housing_data@master', 'add', 'owner=x']).stderr).toContain(
      'already exists',
    );
    double.run(['edit', 'metadata', 'commit', 'housing_data@master', 'edit', 'owner=ml-team']);
    expect(commitInfoSchema.parse(raw(['inspect', 'commit', 'housing_data@master'])[0]).metadata).toEqual({
      owner: 'ml-team',
    });
    expect(pachctl(['edit', 'metadata', 'commit', 'housing_data@master', 'add']).stderr).toContain(
      'multiples of 4',
    );
  });
});
