import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  aggregateDigest,
  fromAlgorithmiaManifest,
  type ModelshipManifest,
  manifestJsonSchemas,
  parseManifestValue,
  readManifest,
  toAlgorithmiaManifest,
  toAlgorithmiaTime,
  toInTotoStatement,
} from '../src/index.js';
import { algorithmiaFixtures, packageDir } from './helpers.js';

const manifest: ModelshipManifest = {
  schema: 'modelship.manifest/v1',
  name: 'churn',
  version: '1.0.0',
  files: [{ path: 'model.pkl', size: 10, md5: '0'.repeat(32), sha256: 'a'.repeat(64) }],
  digest: {
    algorithm: 'sha256',
    value: aggregateDigest([{ path: 'model.pkl', sha256: 'a'.repeat(64) }], 'sha256'),
  },
  provenance: {
    source: 'github-actions',
    repository: 'acme/churn',
    ref: 'refs/heads/main',
    commit: 'b4aba5bae66affd5194e35803392dc34e99d154e',
    commitMessage: 'Update algorithmia_deploy.yml',
    workflow: 'acme/churn/.github/workflows/deploy.yml@refs/heads/main',
    runId: '77',
    runAttempt: '1',
    actor: 'octocat',
    uploadedAt: '2020-10-14T21:30:25.522Z',
  },
  storage: { uri: 'data://acme/churn/model.pkl' },
};

describe('Algorithmia conversion', () => {
  it('writes the 7 keys the action wrote, with its time format', () => {
    const algorithmia = toAlgorithmiaManifest(manifest, { base: { kept: 1 } });
    expect(algorithmia).toEqual({
      kept: 1,
      model_filepath: 'acme/churn/model.pkl',
      model_md5_hash: '0'.repeat(32),
      model_origin_commit_SHA: 'b4aba5bae66affd5194e35803392dc34e99d154e',
      model_origin_commit_msg: 'Update algorithmia_deploy.yml',
      model_origin_repo: 'acme/churn',
      model_origin_ref: 'refs/heads/main',
      model_uploaded_utc: '2020-10-14 21:30:25.522000',
    });
    expect(parseManifestValue(algorithmia).format).toBe('algorithmia');
    expect(toAlgorithmiaTime('2020-10-14T21:30:25.522165Z')).toBe('2020-10-14 21:30:25.522165');
  });

  it('refuses a multi-file or md5-less manifest, saying how to fix it', () => {
    expect(() =>
      toAlgorithmiaManifest({
        ...manifest,
        files: [...manifest.files, { ...manifest.files[0]!, path: 'b' }],
      }),
    ).toThrow(/exactly one file/);
  });

  it('reads a real Algorithmia manifest into a valid modelship v1 manifest', async () => {
    const loaded = await readManifest(join(algorithmiaFixtures, 'demo-githubalgo-model_manifest.json'));
    if (loaded.format !== 'algorithmia') throw new Error('expected algorithmia');
    const converted = fromAlgorithmiaManifest(loaded.manifest, { size: 1234 });
    expect(parseManifestValue(converted).format).toBe('modelship');
    expect(converted).toMatchObject({
      files: [
        {
          path: 'model_385d743c4f913b06e8ba6585c5c0c23cfb891be7.pkl',
          md5: '58dbe617971e831c922e201ea9f38783',
        },
      ],
      provenance: {
        commit: '385d743c4f913b06e8ba6585c5c0c23cfb891be7',
        uploadedAt: '2020-10-14T21:30:24.706830Z',
      },
    });
  });
});

describe('toInTotoStatement', () => {
  it('maps files to subjects and the GitHub run to SLSA v1 provenance', () => {
    const statement = toInTotoStatement(manifest);
    expect(statement).toMatchObject({
      _type: 'https://in-toto.io/Statement/v1',
      predicateType: 'https://slsa.dev/provenance/v1',
      subject: [{ name: 'model.pkl', digest: { sha256: 'a'.repeat(64), md5: '0'.repeat(32) } }],
      predicate: {
        buildDefinition: {
          buildType: 'https://actions.github.io/buildtypes/workflow/v1',
          externalParameters: {
            workflow: {
              ref: 'refs/heads/main',
              repository: 'https://github.com/acme/churn',
              path: '.github/workflows/deploy.yml',
            },
          },
          resolvedDependencies: [
            {
              uri: 'git+https://github.com/acme/churn@refs/heads/main',
              digest: { gitCommit: manifest.provenance.commit },
            },
          ],
        },
        runDetails: {
          metadata: { invocationId: 'https://github.com/acme/churn/actions/runs/77/attempts/1' },
        },
      },
    });
  });
});

describe('JSON Schema export', () => {
  it('matches the committed files under schema/ (regenerate: npm run schema:generate -w @modelship/manifest)', async () => {
    const schemas = manifestJsonSchemas();
    const committed = async (name: string) =>
      JSON.parse(await readFile(join(packageDir, 'schema', name), 'utf8'));
    expect(await committed('modelship.manifest.v1.json')).toEqual(schemas.modelship);
    expect(await committed('algorithmia.model_manifest.json')).toEqual(schemas.algorithmia);
  });
});
