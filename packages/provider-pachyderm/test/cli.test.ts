// modelship-pachyderm end to end: the real wrapper bin from @modelship/cli, this package's cliSpec, the double.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliSpec } from '../src/cli.js';
import { cliBin, cliBuilt, fixtures, housingWorld, token } from './world.js';

const world = housingWorld({ seed: false });
afterAll(world.cleanup);

function cli(args: string[]) {
  const env = {
    ...process.env,
    ...world.double.env,
    PACHCTL: world.double.pachctl,
    PACHYDERM_AUTH_TOKEN: token,
    DOCKER_IMAGE_TAG: 'acme/housing-prices',
    GITHUB_SHA: 'c0ffee1',
    PACHYDERM_PIPELINE_FILES: world.spec,
    GITHUB_ACTIONS: '',
  };
  const result = spawnSync(process.execPath, [cliBin, ...args, '--json'], { env, encoding: 'utf8' });
  return {
    code: result.status,
    json: result.stdout ? JSON.parse(result.stdout) : undefined,
    stderr: result.stderr,
  };
}

describe('modelship-pachyderm', () => {
  it('declares the provider options, the secret token and the lineage command', () => {
    expect(cliSpec.settings.authToken).toMatchObject({ secret: true, env: 'PACHYDERM_AUTH_TOKEN' });
    expect(Object.keys(cliSpec.commands ?? {})).toEqual(['lineage']);
  });

  it.skipIf(!cliBuilt)(
    'upload → train → lineage → deploy → status as processes, the token never printed',
    () => {
      const upload = cli(['upload', join(fixtures, 'housing-simplified-1.csv'), '--model', 'housing-data']);
      expect(upload.code, upload.stderr).toBe(0);
      const train = cli(['train', '--model', 'housing']);
      expect(train.code, train.stderr).toBe(0);
      expect(train.json.status.raw).toBe('JOB_SUCCESS');
      const commit = train.json.refs.commit as string;
      const lineage = cli(['lineage', commit, '--model-repo', 'regression']);
      expect(lineage.json.data[0].commit).toBe(upload.json.refs.commit);
      const deploy = cli([
        'deploy',
        '--model',
        'housing',
        '--version',
        'v1',
        '--stage',
        'production',
        '--ref',
        'repo=regression',
        '--ref',
        `commit=${commit}`,
      ]);
      expect(deploy.json.status.unified).toBe('deployed');
      const status = cli(['status', '--model', 'regression', '--stage', 'production']);
      expect(status.json.refs.commit).toBe(commit);
      for (const output of [upload, train, lineage, deploy, status])
        expect(JSON.stringify(output)).not.toContain(token);
      const missing = cli(['lineage']);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toContain('pass the model commit id');
    },
  );
});
