// Issue 19 item 5: the manifest is provenance, not data. The seed's `regression` pipeline reads
// housing_data with glob "/*" (one datum per top-level entry), so anything modelship put beside
// the data would become a datum of the user's unmodified pipeline.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPachydermProvider } from '../src/index.js';
import { parseJsonStream } from '../src/json-stream.js';
import { jobInfoSchema } from '../src/schemas.js';
import { fixtures, housingWorld, quietContext } from './world.js';

const world = housingWorld({ seed: false });
afterAll(world.cleanup);
const context = quietContext();
const provider = createPachydermProvider({ ...world.settings });

describe('upload keeps the manifest out of the datum space', () => {
  it('the seed pipeline sees only the data: one datum per data file, no manifest in the input repo', async () => {
    // The seed's spec as it is, image tag and all.
    world.double.pushImage('pachyderm/housing-prices:1.11.0', join(fixtures, 'image'));
    world.double.run(['create', 'pipeline', '-f', world.spec]);
    const uploaded = await provider.upload(
      { model: { name: 'housing-data' }, path: join(fixtures, 'housing-simplified-1.csv') },
      context,
    );
    const job = jobInfoSchema.parse(
      parseJsonStream(
        world.double.run(['wait', 'job', `regression@${uploaded.refs.commit}`, '--raw', '-o', 'json']),
      )[0],
    );
    expect(job).toMatchObject({ state: 'JOB_SUCCESS', data_total: '1', data_failed: '0' });
    expect(() =>
      world.double.run(['get', 'file', `housing_data@${uploaded.refs.commit}:/modelship.manifest.json`]),
    ).toThrow(/not found/);
  });

  it('the manifest lives in its own repo, keyed by the data commit, and names the data files', async () => {
    const uploaded = await provider.upload(
      { model: { name: 'housing-data' }, path: join(fixtures, 'housing-simplified-2.csv') },
      context,
    );
    expect(uploaded.refs.manifest).toBe(
      `modelship_manifests@master:/housing_data/${uploaded.refs.commit}/modelship.manifest.json`,
    );
    const manifest = JSON.parse(world.double.run(['get', 'file', uploaded.refs.manifest!]));
    expect(`${manifest.digest.algorithm}:${manifest.digest.value}`).toBe(uploaded.manifestDigest);
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(['housing-simplified-2.csv']);
  });

  it('refuses a manifest repo that a pipeline reads: it would be a datum again', async () => {
    const reading = createPachydermProvider({ ...world.settings, manifestRepo: 'housing_data' });
    await expect(
      reading.upload(
        { model: { name: 'housing-data' }, path: join(fixtures, 'housing-simplified-1.csv') },
        context,
      ),
    ).rejects.toThrow(/manifestRepo "housing_data" is an input of pipeline regression/);
  });
});
