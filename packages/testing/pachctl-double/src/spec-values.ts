// `pachctl create pipeline -f` reads several specs written back to back. The double leans on V8's
// JSON.parse, which names where a complete value ends and the next one starts.
import { PachError } from './state.js';

/** Every JSON value in `text`, in order. */
export function parseSpecValues(text: string): unknown[] {
  const values: unknown[] = [];
  let rest = text.trim();
  while (rest) {
    try {
      values.push(JSON.parse(rest));
      return values;
    } catch (error) {
      const end = /after JSON at position (\d+)/.exec((error as Error).message)?.[1];
      if (end === undefined) throw new PachError(`invalid pipeline spec: ${(error as Error).message}`);
      values.push(JSON.parse(rest.slice(0, Number(end))));
      rest = rest.slice(Number(end)).trim();
    }
  }
  return values;
}
