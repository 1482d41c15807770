import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inputRepos, loadSpecs, orderByInputs, retag, sourceRepos } from '../src/specs.js';
import { fixtures } from './world.js';

const spec = (name: string, input: unknown) => ({
  file: `${name}.json`,
  spec: { pipeline: { name }, input, transform: { image: 'x:1', cmd: ['true'] } },
});

describe('pipeline specs', () => {
  it('retags transform.image to <image>:<sha> and keeps every other field', async () => {
    const [loaded] = await loadSpecs([join(fixtures, 'regression.json')]);
    const tagged = retag(loaded!.spec, 'acme/housing-prices', 'abc123');
    expect(tagged.transform.image).toBe('acme/housing-prices:abc123');
    expect(tagged.transform.cmd).toEqual(loaded!.spec.transform.cmd);
    expect(tagged.description).toBe(loaded!.spec.description);
    expect(loaded!.spec.transform.image).toBe('pachyderm/housing-prices:1.11.0');
  });

  it('orders pipelines after the pipelines whose output they read, whatever the file order', () => {
    const specs = [
      spec('report', { cross: [{ pfs: { repo: 'evaluate' } }, { pfs: { repo: 'regression' } }] }),
      spec('evaluate', { pfs: { repo: 'regression' } }),
      spec('regression', { pfs: { repo: 'housing_data' } }),
    ];
    expect(orderByInputs(specs).map((s) => s.spec.pipeline.name)).toEqual([
      'regression',
      'evaluate',
      'report',
    ]);
    expect(inputRepos(specs[0]!.spec.input)).toEqual(['evaluate', 'regression']);
    expect(sourceRepos(specs)).toEqual(['housing_data']);
  });

  it('names the pipelines of a cycle', () => {
    const specs = [spec('a', { pfs: { repo: 'b' } }), spec('b', { pfs: { repo: 'a' } })];
    expect(() => orderByInputs(specs)).toThrow(/cycle: a → b → a/);
  });

  it('reads several specs from one file (concatenated JSON, as pachctl accepts) and rejects bad ones clearly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'specs-'));
    const many = join(dir, 'pipelines.json');
    writeFileSync(many, `${JSON.stringify(spec('a', {}).spec)}\n${JSON.stringify(spec('b', {}).spec)}`);
    expect((await loadSpecs([many])).map((s) => s.spec.pipeline.name)).toEqual(['a', 'b']);
    writeFileSync(many, JSON.stringify({ pipeline: { name: 'c' } }));
    await expect(loadSpecs([many])).rejects.toThrow(/object 1\): transform/);
    await expect(loadSpecs([join(dir, 'missing.json')])).rejects.toThrow(
      /cannot be read \(ENOENT\).*PACHYDERM_PIPELINE_FILES/,
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
