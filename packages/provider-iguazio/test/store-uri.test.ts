import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatStoreUri, parseStoreUri, type StoreUri, storeKinds } from '../src/index.js';

const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789');
const label = (middle: string, max: number) =>
  fc
    .tuple(alnum, fc.string({ unit: fc.constantFrom(...middle), maxLength: max }), alnum)
    .map(([a, mid, b]) => `${a}${mid}${b}`);

const storeUri: fc.Arbitrary<StoreUri> = fc.record(
  {
    kind: fc.constantFrom(...storeKinds),
    project: label('abcdefghijklmnopqrstuvwxyz0123456789-', 40),
    key: label('abcdefghijKLMNOP0123456789-_.', 60),
    iter: fc.nat({ max: 10_000 }),
    tag: label('abcdefXYZ0123456789-_.', 40),
    tree: fc.stringMatching(/^[a-f0-9][-a-f0-9_]{0,40}$/),
  },
  { requiredKeys: ['kind', 'project', 'key'] },
);

describe('store URIs', () => {
  it('format then parse gives back the same parts (property)', () => {
    fc.assert(
      fc.property(storeUri, (uri) => {
        expect(parseStoreUri(formatStoreUri(uri))).toEqual(uri);
      }),
    );
  });

  it('parse then format gives back the same text (property)', () => {
    fc.assert(
      fc.property(storeUri, (uri) => {
        const text = formatStoreUri(uri);
        expect(formatStoreUri(parseStoreUri(text))).toBe(text);
      }),
    );
  });

  it('reads the forms MLRun prints', () => {
    expect(parseStoreUri('store://models/fraud/clf#0:latest@0f1e2d')).toEqual({
      kind: 'models',
      project: 'fraud',
      key: 'clf',
      iter: 0,
      tag: 'latest',
      tree: '0f1e2d',
    });
    expect(parseStoreUri('store://models/fraud/clf:challenger')).toEqual({
      kind: 'models',
      project: 'fraud',
      key: 'clf',
      tag: 'challenger',
    });
    expect(parseStoreUri('store://datasets/p/data@abc')).toEqual({
      kind: 'datasets',
      project: 'p',
      key: 'data',
      tree: 'abc',
    });
  });

  it.each([
    ['s3://bucket/model', 'not an MLRun store URI'],
    ['store://feature-sets/p/fs', 'kind "feature-sets"'],
    ['store://models/Fraud/clf', 'project "Fraud"'],
    ['store://models/p/clf#x', 'iteration "x"'],
    ['store://models/p/clf:-bad', 'tag "-bad"'],
    ['store://models/p/-clf', 'key "-clf"'],
  ])('rejects %s naming the bad part', (text, message) => {
    expect(() => parseStoreUri(text)).toThrow(message);
  });
});
