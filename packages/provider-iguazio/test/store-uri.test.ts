import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatStoreUri, parseStoreUri, type StoreUri, storeKinds } from '../src/store-uri.js';
import { capturingContext, emulatorSuite, iguazioAt, modelDir } from './helpers.js';

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
    uid: fc.stringMatching(/^[a-f0-9]{40}$/),
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

  it.each<[string, StoreUri]>([
    [
      'store://models/fraud/clf#0:latest@0f1e2d',
      { kind: 'models', project: 'fraud', key: 'clf', iter: 0, tag: 'latest', tree: '0f1e2d' },
    ],
    [
      'store://models/fraud/clf:challenger',
      { kind: 'models', project: 'fraud', key: 'clf', tag: 'challenger' },
    ],
    // The MLRun 1.8+ client and UI print the uid of the stored version after `^`.
    [
      'store://models/fraud/clf#0:latest@0f1e2d^9b1c7e0a',
      {
        kind: 'models',
        project: 'fraud',
        key: 'clf',
        iter: 0,
        tag: 'latest',
        tree: '0f1e2d',
        uid: '9b1c7e0a',
      },
    ],
    ['store://models/fraud/clf^9b1c7e0a', { kind: 'models', project: 'fraud', key: 'clf', uid: '9b1c7e0a' }],
    ['store://datasets/p/data@abc', { kind: 'datasets', project: 'p', key: 'data', tree: 'abc' }],
  ])('reads %s as MLRun prints it', (text, expected) => {
    expect(parseStoreUri(text)).toEqual(expected);
  });

  it.each([
    ['s3://bucket/model', 'not an MLRun store URI'],
    ['store://feature-sets/p/fs', 'kind "feature-sets"'],
    ['store://models/Fraud/clf', 'project "Fraud"'],
    ['store://models/p/clf#x', 'iteration "x"'],
    ['store://models/p/clf:-bad', 'tag "-bad"'],
    ['store://models/p/-clf', 'key "-clf"'],
    ['store://models/p/clf@tree^', 'uid ""'],
    ['store://models/p/clf@tree^a/b', 'uid "a/b"'],
  ])('rejects %s naming the bad part', (text, message) => {
    expect(() => parseStoreUri(text)).toThrow(message);
  });
});

describe('the ^uid form wherever a URI is accepted', () => {
  const suite = emulatorSuite('iguazio-uid-');
  const { context } = capturingContext();

  it('export, upload, tag and deploy take store://…@tree^uid as MLRun prints it', async () => {
    const provider = iguazioAt(suite.emulator.url, 'uid');
    const model = await modelDir('weights-uid');
    const uploaded = await provider.upload(
      { model: { name: 'clf', version: 'v1' }, path: model.dir },
      context,
    );
    await model.cleanup();
    const row = suite.emulator.artifacts('uid').rows[0]!;
    const printed = `store://models/uid/clf#0:v1@${row.tree}^${row.uid}`;
    const exported = await provider.exportModel({ modelUri: printed, dir: suite.work, yes: true }, context);
    expect(exported.path).toBe(join(suite.work, 'clf:challenger.yaml'));
    const adopted = await provider.upload({ model: { name: 'clf', version: 'v1' }, path: printed }, context);
    expect(adopted.manifestDigest).toBe(uploaded.manifestDigest);
    const byUid = `store://models/uid/clf^${row.uid}`;
    await provider.tag(
      { model: { name: 'clf', version: 'v1' }, stage: 'staging', tag: 'champion', refs: { storeUri: byUid } },
      context,
    );
    expect(suite.emulator.artifacts('uid').tagsOf(row)).toContain('champion');
    const deployed = await provider.deploy(
      { model: { name: 'clf', version: 'v1' }, stage: 'staging', refs: { storeUri: byUid } },
      context,
    );
    expect(deployed.status.unified).toBe('deployed');
    expect(suite.emulator.requests.some((r) => r.query['object-uid'] === row.uid)).toBe(true);
  });
});
