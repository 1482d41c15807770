import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { statusJson } from '../src/json-output.js';
import { cli, useProject } from './helpers.js';

// --ledger s3://bucket/prefix against a real moto S3 server (started by the global setup).
const project = useProject('version: 1\nstages: [staging]\n');
const bucket = 'modelship-cli-ledger';
let env: Record<string, string>;
const run = (args: string[], extraEnv: Record<string, string> = {}) =>
  cli([...args, '--ledger', `s3://${bucket}/team-a/`], { cwd: project.dir, env: { ...env, ...extraEnv } });

beforeAll(async () => {
  const endpoint = process.env.MODELSHIP_MOTO_URL!;
  env = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
  };
  await new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  }).send(new CreateBucketCommand({ Bucket: bucket }));
});

describe('the CLI on an S3 ledger (moto)', () => {
  it('registers, races promotes (one champion), and verifies the ledger', async () => {
    for (const slope of [1, 2, 3]) {
      const model = project.model(`s${slope}`, slope, 0.9);
      const registered = await run(['register', 'm', '--path', model.path, '--metrics', model.metrics]);
      expect(registered.code, registered.stderr).toBe(0);
    }
    const results = await Promise.all(
      ['v1', 'v2', 'v3'].map((v) => run(['promote', 'm', v, '--to', 'staging', '--if-champion', 'none'])),
    );
    expect(results.map((r) => r.code).sort(), results.map((r) => r.stderr).join('\n')).toEqual([0, 3, 3]);
    const board = statusJson.parse(JSON.parse((await run(['status', 'm', '--json'])).stdout));
    expect(board.stages[0]!.champion?.version).toBe(
      ['v1', 'v2', 'v3'][results.findIndex((r) => r.code === 0)],
    );
    const verify = await run(['ledger', 'verify']);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toContain(`ledger s3://${bucket}/team-a/`);
  });

  it('keeps a history cache for the S3 ledger on this machine, which status --at and history --stage read back', async () => {
    const cacheHome = await mkdtemp(join(tmpdir(), 'modelship-xdg-cache-'));
    const query = ['status', 'm', '--at', '#3', '--json'];
    const first = await run(query, { XDG_CACHE_HOME: cacheHome });
    expect(first.code, first.stderr).toBe(0);
    const caches = join(cacheHome, 'modelship', 'history-cache');
    const [ledgerCache, ...others] = await readdir(caches);
    expect(others).toEqual([]);
    expect(ledgerCache).toMatch(/^s3-[0-9a-f]{16}$/);
    expect(await readdir(join(caches, ledgerCache!))).toContain('index.json');
    const board = (result: { stdout: string }) => statusJson.parse(JSON.parse(result.stdout)).stages;
    expect(board(first)[0]!.champion).toBeNull();
    // From the cache, the same board; MODELSHIP_HISTORY_CACHE puts the caches elsewhere.
    expect(board(await run(query, { XDG_CACHE_HOME: cacheHome }))).toEqual(board(first));
    const elsewhere = await mkdtemp(join(tmpdir(), 'modelship-history-cache-'));
    const moved = await run(query, { XDG_CACHE_HOME: cacheHome, MODELSHIP_HISTORY_CACHE: elsewhere });
    expect(board(moved)).toEqual(board(first));
    expect(await readdir(elsewhere)).toEqual([ledgerCache]);
    const history = await run(['history', 'm', '--stage', 'staging', '--json'], {
      XDG_CACHE_HOME: cacheHome,
    });
    expect(history.code, history.stderr).toBe(0);
    expect(JSON.parse(history.stdout).tenures).toHaveLength(1);
  });
});
