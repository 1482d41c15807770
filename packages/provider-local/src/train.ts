import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  CommandFailedError,
  ErrorCode,
  InvalidInputError,
  ModelshipError,
  type ProviderContext,
  type TrainInput,
  type TrainResult,
  throwIfAborted,
} from '@modelship/core';
import { randomId, rememberedResult, type StoreLayout, writeJsonAtomic } from './client.js';
import type { LocalTrainCommand } from './settings.js';

function commandFrom(input: TrainInput, defaults: LocalTrainCommand | undefined): LocalTrainCommand {
  const options = input.options ?? {};
  const command = typeof options.command === 'string' ? options.command : defaults?.command;
  if (!command) {
    throw new InvalidInputError(
      'train: no training command; set `train.command` in the local provider settings or pass options.command (CLI: `train --model M -- <command> [args…]`)',
    );
  }
  const args = Array.isArray(options.args) ? options.args.map(String) : (defaults?.args ?? []);
  const cwd = typeof options.cwd === 'string' ? options.cwd : defaults?.cwd;
  return { ...defaults, command, args, cwd };
}

/** `{modelDir}`, `{metricsFile}`, `{runDir}`, `{runId}` and `{params.<name>}` in arguments are filled in. */
export function expandArgs(args: readonly string[], values: Record<string, string>): string[] {
  return args.map((arg) =>
    arg.replace(/\{([A-Za-z0-9_.-]+)\}/g, (whole, name: string) => values[name] ?? whole),
  );
}

export function parseMetrics(text: string, path: string): Record<string, number> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ModelshipError(
      ErrorCode.InvalidInput,
      `train: ${path} is not valid JSON; write an object such as {"rmse": 4.2}`,
      {
        cause: error,
      },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError(`train: ${path} must hold a JSON object of metric name → number`);
  }
  const metrics: Record<string, number> = {};
  for (const [name, metric] of Object.entries(value)) {
    if (typeof metric !== 'number' || !Number.isFinite(metric)) {
      throw new InvalidInputError(
        `train: metric "${name}" in ${path} is ${JSON.stringify(metric)}; metrics must be finite numbers`,
      );
    }
    metrics[name] = metric;
  }
  return metrics;
}

export async function runTraining(
  layout: StoreLayout,
  defaults: LocalTrainCommand | undefined,
  input: TrainInput,
  context: ProviderContext,
): Promise<TrainResult> {
  throwIfAborted(context.signal, 'train');
  const spec = commandFrom(input, defaults);
  const { result } = await rememberedResult(layout, 'train', input.idempotencyKey, async () => {
    const runId = `${new Date(context.now()).toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomId()}`;
    const runDir = join(layout.runs, runId);
    const modelDir = join(runDir, 'model');
    const metricsFile = join(runDir, 'metrics.json');
    await mkdir(modelDir, { recursive: true });
    const params = input.params ?? {};
    const values: Record<string, string> = { modelDir, metricsFile, runDir, runId };
    for (const [name, value] of Object.entries(params)) values[`params.${name}`] = String(value);
    const args = expandArgs(spec.args ?? [], values);
    await writeJsonAtomic(join(runDir, 'run.json'), {
      runId,
      model: input.model.name,
      command: [spec.command, ...args].map((part) => context.redact(part)),
      params,
      tags: input.tags ?? [],
      startedAt: new Date(context.now()).toISOString(),
    });
    context.logger.info(`train: run ${runId} for ${input.model.name}`);
    const outcome = await context.run(spec.command, args, {
      cwd: spec.cwd ? resolve(spec.cwd) : undefined,
      env: {
        ...spec.env,
        MODELSHIP_MODEL_DIR: modelDir,
        MODELSHIP_METRICS_FILE: metricsFile,
        MODELSHIP_TRAIN_RUN_ID: runId,
        MODELSHIP_PARAMS: JSON.stringify(params),
      },
      timeoutMs: spec.timeoutMs,
    });
    if (outcome.aborted) throwIfAborted(context.signal, 'train');
    if (outcome.failed) {
      throw new CommandFailedError(
        outcome.command,
        outcome.exitCode,
        outcome.stderr.split('\n').slice(-20).join('\n'),
        {
          details: { runId },
        },
      );
    }
    const metricsPath = existsSync(metricsFile) ? metricsFile : join(modelDir, 'metrics.json');
    if (!existsSync(metricsPath)) {
      throw new InvalidInputError(
        `train: the command finished but wrote no metrics; write a JSON object of numbers to $MODELSHIP_METRICS_FILE (${metricsFile})`,
        { details: { runId } },
      );
    }
    const metrics = parseMetrics(await readFile(metricsPath, 'utf8'), metricsPath);
    if ((await readdir(modelDir)).length === 0) {
      throw new InvalidInputError(
        `train: the command wrote nothing into $MODELSHIP_MODEL_DIR (${modelDir}); save the model there`,
        {
          details: { runId },
        },
      );
    }
    const trained: TrainResult = {
      runId,
      status: { unified: 'succeeded', raw: 'exited 0' },
      metrics,
      artifact: modelDir,
      refs: { runId, runDir },
      warnings: [],
    };
    await writeJsonAtomic(join(runDir, 'result.json'), trained);
    return trained;
  });
  return result;
}
