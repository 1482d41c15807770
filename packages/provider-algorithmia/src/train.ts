// train: execute the training notebook with nbconvert. A failed cell fails the step with that
// cell's error — the original action went on to push anyway.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import {
  CommandFailedError,
  ErrorCode,
  InvalidInputError,
  ModelshipError,
  type ProviderContext,
  type TrainResult,
  throwIfAborted,
} from '@modelship/core';
import type { AlgorithmiaProviderSettings } from './settings.js';

/** `An error occurred while executing the following cell:` … → the cell source and its last error line. */
export function cellErrorFrom(stderr: string): { cell?: string; error: string } | undefined {
  const match =
    /An error occurred while executing the following cell:\s*-+\s*\n([\s\S]*?)\n-+\s*\n([\s\S]*)$/.exec(
      stderr,
    );
  if (!match) return undefined;
  const cleaned = match[2]!.replace(/\x1b\[[0-9;]*m/g, '');
  const lines = cleaned
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const error =
    [...lines].reverse().find((line) => /^[A-Za-z_][\w.]*(Error|Exception|Interrupt)\b/.test(line)) ??
    lines.at(-1) ??
    '';
  return { cell: match[1]!.trim(), error };
}

async function readMetrics(path: string): Promise<Record<string, number>> {
  if (!existsSync(path)) return {};
  const parsed = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(parsed).filter(
      (entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]),
    ),
  );
}

export async function trainWithNotebook(
  settings: AlgorithmiaProviderSettings,
  options: Record<string, unknown> | undefined,
  context: ProviderContext,
): Promise<TrainResult> {
  const workspace = resolve(settings.workspace ?? '.');
  const notebookPath = typeof options?.notebook === 'string' ? options.notebook : settings.notebook;
  const modelPath = settings.modelPath ? resolve(workspace, settings.modelPath) : undefined;
  if (!notebookPath) {
    if (modelPath && existsSync(modelPath)) {
      return {
        runId: `checked-in-${basename(modelPath)}`,
        status: { unified: 'succeeded', raw: 'skipped' },
        metrics: {},
        artifact: modelPath,
        refs: {},
        warnings: [
          {
            type: 'skipped',
            feature: 'train',
            message: `no notebook configured: the checked-in model ${modelPath} is used as it is`,
          },
        ],
      };
    }
    throw new InvalidInputError(
      'train needs a notebook (settings.notebook) or a checked-in model file (settings.modelPath) that exists',
    );
  }
  const notebook = resolve(workspace, notebookPath);
  if (!existsSync(notebook))
    throw new InvalidInputError(`notebook ${notebook} does not exist; check settings.notebook`);
  throwIfAborted(context.signal, 'train');

  const [program = 'jupyter', ...prefix] = settings.jupyter ?? ['jupyter'];
  const timeoutMs = settings.notebookTimeoutMs ?? 600_000;
  const outDir = await mkdtemp(join(tmpdir(), 'modelship-notebook-'));
  const runId = `notebook-${createHash('sha256').update(`${notebook}:${context.now().toISOString()}`).digest('hex').slice(0, 12)}`;
  try {
    const result = await context.run(
      program,
      [
        ...prefix,
        'nbconvert',
        '--to',
        'notebook',
        '--execute',
        `--ExecutePreprocessor.timeout=${Math.ceil(timeoutMs / 1000)}`,
        '--output-dir',
        outDir,
        '--output',
        'executed',
        notebook,
      ],
      { cwd: dirname(notebook), timeoutMs, stream: false },
    );
    if (result.aborted) throwIfAborted(context.signal, 'train');
    if (result.timedOut) {
      throw new ModelshipError(
        ErrorCode.Timeout,
        `notebook ${notebookPath} did not finish within ${timeoutMs} ms; raise notebookTimeoutMs`,
      );
    }
    if (result.failed) {
      const cell = cellErrorFrom(result.stderr);
      if (cell) {
        throw new ModelshipError(
          ErrorCode.CommandFailed,
          `notebook ${notebookPath} failed in cell:\n${cell.cell ?? ''}\n${cell.error}\nnothing was uploaded or pushed; fix the notebook and retry`,
          { details: { notebook: notebookPath, cellSource: cell.cell, cellError: cell.error } },
        );
      }
      throw new CommandFailedError(
        result.command,
        result.exitCode,
        context.redact(result.stderr).slice(-2000),
      );
    }
    if (modelPath && !existsSync(modelPath)) {
      throw new ModelshipError(
        ErrorCode.Integrity,
        `notebook ${notebookPath} ran but did not write the model file ${modelPath}; check settings.modelPath`,
      );
    }
    const metricsPath = resolve(dirname(notebook), settings.metricsPath ?? 'metrics.json');
    return {
      runId,
      status: { unified: 'succeeded', raw: 'executed' },
      metrics: await readMetrics(metricsPath),
      ...(modelPath ? { artifact: modelPath } : {}),
      refs: { notebook: notebookPath, runId },
      warnings: [],
    };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
