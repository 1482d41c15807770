import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  ManifestError,
  ModelIntegrityError,
  manifestSchema,
  parseManifestText,
  verifyModel,
} from '../src/index.js';
import { loadVectors, materialise, type Vector } from './vector-runner.js';

const vectors = await loadVectors();

async function run(vector: Vector) {
  const paths = await materialise(vector);
  try {
    const report = await verifyModel({
      manifest: paths.manifestPath,
      root: paths.model ? undefined : paths.root,
      model: paths.model,
      algorithm: vector.options.algorithm,
      strict: vector.options.strict,
      publicKey: paths.publicKey ? await readFile(paths.publicKey, 'utf8') : undefined,
    });
    return { outcome: 'verified' as const, report };
  } catch (error) {
    if (!ManifestError.isInstance(error)) throw error;
    const outcome = ModelIntegrityError.isInstance(error) ? 'integrity-failure' : 'bad-input';
    return {
      outcome,
      error: error as ManifestError & { jsonPath?: string; issues?: ModelIntegrityError['issues'] },
    };
  }
}

describe('shared vectors (spec/manifest/vectors), TypeScript API', () => {
  it('has the cases the issue asks for', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(25);
  });

  it.each(vectors.map((vector) => [vector.name, vector] as const))('%s', async (_name, vector) => {
    const result = await run(vector);
    const expected = vector.expect;
    expect(result.outcome).toBe(expected.outcome);
    if (result.outcome === 'verified') {
      const report = result.report!;
      if (expected.algorithms) expect(report.files[0]!.algorithms).toEqual(expected.algorithms);
      if (expected.signature) expect(report.signature).toBe(expected.signature);
      return;
    }
    const error = result.error!;
    expect(error.code).toBe(expected.code);
    if (expected.jsonPath !== undefined) expect(error.jsonPath).toBe(expected.jsonPath);
    if (expected.issues)
      expect(error.issues?.map((issue) => [issue.code, issue.path])).toEqual(expected.issues);
    for (const text of expected.messageIncludes ?? []) expect(error.message).toContain(text);
  });
});

describe('the zod schemas and the light validator agree on every vector manifest', () => {
  const parsedCases = vectors.filter(
    (vector) => vector.manifest !== undefined || vector.manifestText !== undefined,
  );
  it.each(parsedCases.map((vector) => [vector.name, vector] as const))('%s', (_name, vector) => {
    const text = vector.manifestText ?? JSON.stringify(vector.manifest);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return; // malformed JSON never reaches either validator
    }
    const light = (() => {
      try {
        parseManifestText(text);
        return true;
      } catch {
        return false;
      }
    })();
    expect(manifestSchema.safeParse(value).success).toBe(light);
  });
});
