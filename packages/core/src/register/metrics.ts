import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidInputError } from '../contract/errors.js';

/** Reads a metrics file: one JSON object of metric name → finite number (`{"mse": 4.1}`). */
export async function readMetricsFile(path: string): Promise<Record<string, number>> {
  const file = resolve(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new InvalidInputError(
      `metrics file ${file}: ${missing ? 'no such file' : `not valid JSON (${(error as Error).message})`}; pass a JSON file such as {"mse": 4.1}`,
      { details: { path: file } },
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidInputError(
      `metrics file ${file} must hold a JSON object of metric name → number, such as {"mse": 4.1}`,
      { details: { path: file } },
    );
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new InvalidInputError(
        `metrics file ${file}: "${name}" is ${JSON.stringify(value)}; metrics must be finite numbers`,
        { details: { path: file, metric: name } },
      );
  }
  return parsed as Record<string, number>;
}
