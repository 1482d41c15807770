// pachctl prints streamed RPC results (list job, list commit, wait commitset…) as JSON objects
// written back to back, with or without whitespace between them; JSON.parse rejects that.

/** Splits a stream of concatenated JSON values into parsed values as chunks arrive. */
export class JsonObjectSplitter {
  private buffer = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private start = -1;
  private scanned = 0;

  /** Feeds a chunk; returns every value completed by it. */
  push(chunk: string): unknown[] {
    this.buffer += chunk;
    const values: unknown[] = [];
    for (let i = this.scanned; i < this.buffer.length; i++) {
      const ch = this.buffer[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === '\\') this.escaped = true;
        else if (ch === '"') this.inString = false;
        continue;
      }
      if (ch === '"') {
        this.inString = true;
        if (this.depth === 0) throw this.error(i, 'a top-level string');
      } else if (ch === '{' || ch === '[') {
        if (this.depth === 0) this.start = i;
        this.depth++;
      } else if (ch === '}' || ch === ']') {
        this.depth--;
        if (this.depth < 0) throw this.error(i, `an unmatched "${ch}"`);
        if (this.depth === 0) {
          values.push(JSON.parse(this.buffer.slice(this.start, i + 1)));
          this.start = -1;
        }
      } else if (this.depth === 0 && !/\s/.test(ch ?? '')) {
        throw this.error(i, `"${ch}" between objects`);
      }
    }
    // Keep only the unfinished value so memory stays bounded by the largest single object.
    const keepFrom = this.depth > 0 ? this.start : this.buffer.length;
    this.buffer = this.buffer.slice(keepFrom);
    if (this.start >= 0) this.start = 0;
    this.scanned = this.buffer.length;
    return values;
  }

  /** Call at the end of the stream: throws if a value was cut off. */
  end(): void {
    if (this.depth !== 0 || this.inString) {
      throw new SyntaxError(
        `pachctl output ended inside a JSON value (${this.buffer.length} characters pending); the command was probably interrupted`,
      );
    }
  }

  private error(index: number, what: string): SyntaxError {
    const near = this.buffer.slice(Math.max(0, index - 20), index + 20).replace(/\s+/g, ' ');
    return new SyntaxError(`pachctl printed ${what} where a JSON object was expected, near "${near}"`);
  }
}

/** Parses all concatenated JSON values in a complete text. */
export function parseJsonStream(text: string): unknown[] {
  const splitter = new JsonObjectSplitter();
  const values = splitter.push(text);
  splitter.end();
  return values;
}

/** Parses concatenated JSON values from an async stream of chunks (e.g. a child's stdout). */
export async function* readJsonStream(
  chunks: AsyncIterable<string | Uint8Array>,
): AsyncGenerator<unknown, void, undefined> {
  const splitter = new JsonObjectSplitter();
  const decoder = new TextDecoder();
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    yield* splitter.push(text);
  }
  yield* splitter.push(decoder.decode());
  splitter.end();
}
