import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, ModelshipError } from '@modelship/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createPachydermProvider } from '../src/index.js';
import { parseJsonStream } from '../src/json-stream.js';
import { commitInfoSchema } from '../src/schemas.js';
import { fixtures, housingWorld, quietContext } from './world.js';

const world = housingWorld({ seed: false });
afterAll(world.cleanup);
const context = quietContext();
const provider = createPachydermProvider({ ...world.settings });
const headOf = (picker: string) =>
  commitInfoSchema.parse(parseJsonStream(world.double.run(['inspect', 'commit', picker, '--raw']))[0]);

describe('upload: one commit per upload, its manifest in the manifest repo', () => {
  it("commits a file to the pipelines' input repo and its manifest to modelship_manifests", async () => {
    const result = await provider.upload(
      { model: { name: 'housing-data' }, path: join(fixtures, 'housing-simplified-1.csv') },
      context,
    );
    expect(result).toMatchObject({ skipped: false, refs: { repo: 'housing_data', branch: 'master' } });
    expect(result.uri).toBe(`housing_data@${result.refs.commit}`);
    const manifest = JSON.parse(world.double.run(['get', 'file', result.refs.manifest!]));
    expect(`${manifest.digest.algorithm}:${manifest.digest.value}`).toBe(result.manifestDigest);
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(['housing-simplified-1.csv']);
    expect(headOf('housing_data@master').finished).not.toBeFalsy();
  });

  it('refuses files that changed after their manifest was stamped', async () => {
    const error = await provider
      .upload(
        {
          model: { name: 'housing-data' },
          path: join(fixtures, 'housing-simplified-2.csv'),
          manifestDigest: 'sha256:00',
        },
        context,
      )
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.Integrity)).toBe(true);
  });

  it('a failed upload leaves no open commit behind, and an interrupted one is cleaned up by the next', async () => {
    const before = headOf('housing_data@master').commit.id;
    const failing = createPachydermProvider({ ...world.settings });
    const error = await failing
      .upload(
        { model: { name: 'm' }, path: join(fixtures, 'image') },
        {
          ...context,
          run: (command, args, options) =>
            args[0] === 'put' && args.some((a) => a.endsWith('modelship.manifest.json'))
              ? Promise.resolve({
                  command: 'pachctl put file',
                  exitCode: 1,
                  stdout: '',
                  stderr: 'rpc error: code = Unavailable desc = connection reset',
                  failed: true,
                  timedOut: false,
                  aborted: false,
                })
              : context.run(command, args, options),
        },
      )
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.Throttled)).toBe(true);
    expect(headOf('housing_data@master').commit.id).toBe(before);

    // A run killed between start and finish leaves an open modelship commit on the branch.
    const open = world.double
      .run(['start', 'commit', 'housing_data@master', '--description', 'modelship-upload model=m digest=x'])
      .trim();
    const dir = mkdtempSync(join(tmpdir(), 'upload-'));
    writeFileSync(join(dir, 'housing.csv'), 'RM,LSTAT,PTRATIO,MEDV\n6.5,5,15,500000\n');
    const next = await provider.upload({ model: { name: 'm' }, path: dir }, context);
    expect(next.refs.commit).not.toBe(open);
    expect(headOf(`housing_data@${next.refs.commit}`).parent_commit?.id).toBe(before);
  });
});
