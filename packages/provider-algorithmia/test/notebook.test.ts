// train: one real nbconvert execution (a failing cell), the rest with a stand-in command.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, ModelshipError } from '@modelship/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createAlgorithmiaProvider } from '../src/index.js';
import { cellErrorFrom } from '../src/train.js';
import { API_KEY, capturing, jupyter, writeNotebook } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'algorithmia-notebook-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = { apiKey: API_KEY, username: 'demo', algoName: 'nb', workspace: dir, env: {} };

const notebook = (name: string, sources: string[]) => writeNotebook(dir, name, sources);

describe('train', () => {
  it("fails the step with the failing cell's source and error (real nbconvert)", async () => {
    const path = notebook('broken.ipynb', [
      'x = 1',
      'rows = []\nmean = sum(rows) / len(rows)  # no data arrived',
      "open('model.pkl', 'w')",
    ]);
    const provider = createAlgorithmiaProvider({
      ...base,
      notebook: path,
      jupyter: [jupyter],
      notebookTimeoutMs: 120_000,
      modelPath: 'model.pkl',
    });
    const error = await provider
      .train({ model: { name: 'm' } }, capturing().context)
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.CommandFailed)).toBe(true);
    expect((error as Error).message).toContain('mean = sum(rows) / len(rows)');
    expect((error as Error).message).toMatch(/ZeroDivisionError: division by zero/);
    expect((error as Error).message).toContain('nothing was uploaded or pushed');
  }, 120_000);

  it('stops a notebook that runs past its timeout', async () => {
    const slow = join(dir, 'slow-jupyter.sh');
    writeFileSync(slow, '#!/bin/sh\nexec sleep 20\n');
    chmodSync(slow, 0o755);
    const path = notebook('slow.ipynb', ['1']);
    const provider = createAlgorithmiaProvider({
      ...base,
      notebook: path,
      jupyter: [slow],
      notebookTimeoutMs: 300,
    });
    const error = await provider
      .train({ model: { name: 'm' } }, capturing().context)
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.Timeout)).toBe(true);
    expect((error as Error).message).toMatch(/did not finish within 300 ms; raise notebookTimeoutMs/);
  }, 30_000);

  it('is skipped with a clear message when the model file is checked in', async () => {
    writeFileSync(join(dir, 'checked-in.pkl'), 'model');
    const provider = createAlgorithmiaProvider({ ...base, modelPath: 'checked-in.pkl' });
    const result = await provider.train({ model: { name: 'm' } }, capturing().context);
    expect(result.status).toEqual({ unified: 'succeeded', raw: 'skipped' });
    expect(result.warnings[0]?.message).toMatch(
      /no notebook configured: the checked-in model .*checked-in\.pkl is used as it is/,
    );
    const none = createAlgorithmiaProvider({ ...base, modelPath: 'absent.pkl' });
    await expect(none.train({ model: { name: 'm' } }, capturing().context)).rejects.toThrow(
      /needs a notebook/,
    );
  });

  it('extracts the cell and the error line from nbconvert output', () => {
    const stderr = [
      '[NbConvertApp] Converting notebook x.ipynb to notebook',
      'Traceback (most recent call last):',
      'nbclient.exceptions.CellExecutionError: An error occurred while executing the following cell:',
      '------------------',
      "df = load('data.csv')",
      '------------------',
      '',
      '\x1b[0;31mFileNotFoundError\x1b[0m: [Errno 2] No such file',
    ].join('\n');
    expect(cellErrorFrom(stderr)).toEqual({
      cell: "df = load('data.csv')",
      error: 'FileNotFoundError: [Errno 2] No such file',
    });
    expect(cellErrorFrom('kernel died')).toBeUndefined();
  });
});
