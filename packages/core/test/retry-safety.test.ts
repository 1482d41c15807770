import { describe, expect, it } from 'vitest';
import { createMemoryLedger, createPromoter } from '../src/index.js';

const env = { USER: 'tester' };
const content = { model: 'm', metrics: { r2: 0.9 }, manifestDigest: 'sha256:abc', evaluation: 'holdout-1' };

describe('retrying is safe', () => {
  it('a retried register of identical content (digest, metrics, evaluation) returns the existing version', async () => {
    const promoter = createPromoter({ ledger: createMemoryLedger(), env, captureProvenance: false });
    const first = await promoter.register(content);
    const retried = await promoter.register(content);
    expect(retried.id).toBe(first.id);
    expect((await promoter.status('m')).versions).toHaveLength(1);
    // Different metrics, another evaluation, or --new-version: a new version.
    expect((await promoter.register({ ...content, metrics: { r2: 0.91 } })).id).toBe('v2');
    expect((await promoter.register({ ...content, evaluation: 'holdout-2' })).id).toBe('v3');
    expect((await promoter.register({ ...content, newVersion: true })).id).toBe('v4');
    // Without a manifest digest nothing says the content is the same.
    expect((await promoter.register({ model: 'm', metrics: { r2: 0.9 } })).id).toBe('v5');
    expect((await promoter.register({ model: 'm', metrics: { r2: 0.9 } })).id).toBe('v6');
  });

  it('reconcile only touches the model and stage it is asked about', async () => {
    const promoter = createPromoter({ ledger: createMemoryLedger(), env, captureProvenance: false });
    expect(await promoter.reconcile({ model: 'nothing', stage: 'staging' })).toEqual([]);
  });
});
