import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderContext } from '../../src/contract/context.js';
import { ErrorCode, type ModelshipError } from '../../src/contract/errors.js';
import { silentLogger } from '../../src/contract/logger.js';
import { assertDigestLabel, type UploadTarget, uploadWithManifest } from '../../src/provider-kit/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelship-kit-upload-'));
  await writeFile(join(dir, 'model.json'), '{"w":[1,2,3]}');
  await writeFile(join(dir, 'README'), 'housing model');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A platform held in memory: what was put, in order. */
function memoryTarget(stored?: string, failOn?: string) {
  const calls: string[] = [];
  const target: UploadTarget = {
    uri: 'mem://models/housing/',
    refs: { bucket: 'mem' },
    stored: async () => stored,
    putFile: async (file) => {
      if (file.path === failOn) throw new Error(`disk full at ${file.path}`);
      calls.push(`file ${file.path}`);
    },
    putManifest: async (text) => {
      calls.push(`manifest ${JSON.parse(text).digest.algorithm}`);
      return undefined;
    },
    abandon: async (error) => void calls.push(`abandon ${(error as Error).message}`),
    cleanup: async () => void calls.push('cleanup'),
  };
  return { target, calls };
}

const context = () => createProviderContext({ logger: silentLogger });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as ModelshipError,
  );
const input = (manifestDigest?: string) => ({
  model: { name: 'housing', version: 'v1' },
  path: dir,
  ...(manifestDigest ? { manifestDigest } : {}),
});

describe('uploadWithManifest', () => {
  it('puts every file, then the manifest last, and reports the digest as sha256:<hex>', async () => {
    const { target, calls } = memoryTarget();
    const result = await uploadWithManifest(input(), context(), { target: () => target });
    expect(calls).toEqual(['file README', 'file model.json', 'manifest sha256', 'cleanup']);
    expect(result.manifestDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result).toMatchObject({ uri: 'mem://models/housing/', skipped: false });
    expect(result.refs).toEqual({ bucket: 'mem', manifestDigest: result.manifestDigest });
    assertDigestLabel(result.manifestDigest!, 'test');
  });

  it('skips when the target already holds this manifest, transferring nothing', async () => {
    const first = await uploadWithManifest(input(), context(), { target: () => memoryTarget().target });
    const { target, calls } = memoryTarget(first.manifestDigest);
    const again = await uploadWithManifest(input(first.manifestDigest), context(), { target: () => target });
    expect(again.skipped).toBe(true);
    expect(calls).toEqual(['cleanup']);
  });

  it("refuses a caller's digest that differs from what it stamped, before opening the target", async () => {
    let opened = false;
    const error = await failure(
      uploadWithManifest(input(`sha256:${'0'.repeat(64)}`), context(), {
        target: () => {
          opened = true;
          return memoryTarget().target;
        },
      }),
    );
    expect(error?.code).toBe(ErrorCode.Integrity);
    expect(error?.message).toMatch(/hashes to sha256:[0-9a-f]{64} but the caller stamped sha256:0{64}/);
    expect(opened).toBe(false);
  });

  it('a failed put abandons the target, never writes the manifest, and rethrows', async () => {
    const { target, calls } = memoryTarget(undefined, 'model.json');
    await expect(uploadWithManifest(input(), context(), { target: () => target })).rejects.toThrow(
      'disk full at model.json',
    );
    expect(calls).toEqual(['file README', 'abandon disk full at model.json', 'cleanup']);
  });

  it('a missing path is an input error naming it', async () => {
    const error = await failure(
      uploadWithManifest({ ...input(), path: join(dir, 'nope') }, context(), {
        target: () => memoryTarget().target,
      }),
    );
    expect(error?.code).toBe(ErrorCode.InvalidInput);
    expect(error?.message).toContain(join(dir, 'nope'));
  });

  it('assertDigestLabel refuses a bare hex digest', () => {
    expect(() => assertDigestLabel('ab'.repeat(32), 'upload')).toThrow(/is not <algorithm>:<hex>/);
  });
});
