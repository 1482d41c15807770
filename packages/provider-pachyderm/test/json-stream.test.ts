import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonObjectSplitter, parseJsonStream, readJsonStream } from '../src/json-stream.js';

// What `pachctl list job --raw` prints: indented objects back to back, one per job.
const listJobOutput = `{
  "job": { "pipeline": { "name": "regression" }, "id": "b1" },
  "state": "JOB_SUCCESS",
  "reason": "braces { and } and \\"quotes\\" inside strings"
}
{
  "job": { "pipeline": { "name": "regression" }, "id": "a0" },
  "state": "JOB_FAILURE"
}{"job":{"id":"c2"},"state":"JOB_RUNNING"}
`;

describe('parsing pachctl concatenated JSON', () => {
  it('splits objects printed back to back, with or without whitespace between them', () => {
    const values = parseJsonStream(listJobOutput) as Array<{ job: { id: string }; state: string }>;
    expect(values.map((v) => v.job.id)).toEqual(['b1', 'a0', 'c2']);
    expect((values[0] as unknown as { reason: string }).reason).toContain('{ and }');
  });

  it('gives the same objects however the stream is cut into chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (objects, cuts) => {
          const wrapped = objects.map((value) => ({ value }));
          const text = wrapped.map((o, i) => JSON.stringify(o, null, i % 2 ? 2 : undefined)).join('');
          const positions = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const splitter = new JsonObjectSplitter();
          const got: unknown[] = [];
          let from = 0;
          for (const at of [...positions, text.length]) {
            got.push(...splitter.push(text.slice(from, at)));
            from = at;
          }
          splitter.end();
          expect(got).toEqual(JSON.parse(JSON.stringify(wrapped)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads from an async stream of byte chunks, including split UTF-8 characters', async () => {
    const bytes = new TextEncoder().encode('{"name":"prix €"}{"name":"ü"}');
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 3) yield bytes.slice(i, i + 3);
    }
    const got: unknown[] = [];
    for await (const value of readJsonStream(chunks())) got.push(value);
    expect(got).toEqual([{ name: 'prix €' }, { name: 'ü' }]);
  });

  it('rejects text between objects and output cut off mid-object, saying so', () => {
    expect(() => parseJsonStream('{"a":1} oops {"b":2}')).toThrow(/"o" between objects/);
    expect(() => parseJsonStream('{"a":{"b":1}')).toThrow(/ended inside a JSON value/);
    expect(() => parseJsonStream('}')).toThrow(/unmatched/);
  });
});
