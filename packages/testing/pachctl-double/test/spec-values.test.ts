import { describe, expect, it } from 'vitest';
import { parseSpecValues } from '../src/spec-values.js';

describe('pipeline specs read by the double', () => {
  it('reads specs written back to back, with or without whitespace, braces inside strings included', () => {
    expect(parseSpecValues('{"a":1}{"b":[2]}\n\n {"c":"}{"}\n')).toEqual([{ a: 1 }, { b: [2] }, { c: '}{' }]);
  });

  it('refuses a broken spec the way pachctl does, as a command error', () => {
    expect(() => parseSpecValues('{"a":1} {"b":')).toThrow(/invalid pipeline spec/);
  });
});
