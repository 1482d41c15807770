import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CommandFailedError,
  ErrorCode,
  InvalidInputError,
  ModelshipError,
  type ProviderContext,
  type ProviderWarning,
  type TrainInput,
  type TrainResult,
} from '@modelship/core';
import {
  flowPath,
  type MetaflowRun,
  metricsOf,
  readRun,
  runCreator,
  runPython,
  selectRun,
} from './client.js';
import { stderrTail } from './errors.js';
import { type ResolvedSettings, requireFlowFile } from './settings.js';
import { mapRunStatus } from './status.js';

/** Options `train` reads from `input.options`. */
export interface MetaflowTrainOptions {
  /** Flow file to run (default: the `trainFlow` setting). */
  flow?: string;
  /** Overrides the `withCard` setting. */
  withCard?: boolean;
  metricsArtifact?: string;
  modelArtifact?: string;
}

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function trainOptions(input: TrainInput): MetaflowTrainOptions {
  const raw = input.options ?? {};
  const flow = raw.flow;
  if (flow !== undefined && typeof flow !== 'string')
    throw new InvalidInputError('train options.flow must be the path of a flow file');
  const card = raw.withCard;
  return {
    flow,
    withCard: card === undefined ? undefined : card === true || card === 'true',
    metricsArtifact: typeof raw.metricsArtifact === 'string' ? raw.metricsArtifact : undefined,
    modelArtifact: typeof raw.modelArtifact === 'string' ? raw.modelArtifact : undefined,
  };
}

/** A tag marking the run a retried call with the same key must find again. */
export function idempotencyTag(key: string): string {
  return `modelship_key:${key}`;
}

export function trainArgs(file: string, runIdFile: string, input: TrainInput, withCard: boolean): string[] {
  const args = [file, 'run', '--run-id-file', runIdFile];
  for (const tag of input.tags ?? []) args.push('--tag', tag);
  if (input.idempotencyKey) args.push('--tag', idempotencyTag(input.idempotencyKey));
  if (withCard) args.push('--with', 'card');
  for (const [name, value] of Object.entries(input.params ?? {})) {
    if (!PARAM_NAME.test(name))
      throw new InvalidInputError(
        `train params."${name}" is not a Metaflow parameter name (letters, digits, _ and -)`,
      );
    args.push(`--${name}`, String(value));
  }
  return args;
}

export function trainResult(
  run: MetaflowRun,
  file: string,
  metricsArtifact: string,
  modelArtifact: string | undefined,
  exitCode: number | undefined,
): TrainResult {
  const warnings: ProviderWarning[] = [];
  const metricsValue = run.artifacts[metricsArtifact];
  if (run.successful && !run.artifactsPresent.includes(metricsArtifact))
    warnings.push({
      type: 'other',
      feature: 'metrics',
      message: `run ${run.pathspec} has no artifact ${metricsArtifact}; set self.${metricsArtifact} = {"accuracy": …} in the flow`,
    });
  const model = modelArtifact ? run.artifacts[modelArtifact] : undefined;
  const user = runCreator(run);
  return {
    runId: run.pathspec,
    status: mapRunStatus(run, exitCode),
    metrics: metricsOf(metricsValue, metricsArtifact),
    ...(typeof model === 'string' ? { artifact: model } : {}),
    refs: { runId: run.pathspec, flow: run.flow, flowFile: file, ...(user ? { user } : {}) },
    warnings,
  };
}

export async function train(
  settings: ResolvedSettings,
  input: TrainInput,
  context: ProviderContext,
): Promise<TrainResult> {
  const options = trainOptions(input);
  const file = requireFlowFile(options.flow ?? settings.raw.trainFlow, 'train', 'options.flow');
  const metricsArtifact = options.metricsArtifact ?? settings.metricsArtifact;
  const modelArtifact = options.modelArtifact ?? settings.modelArtifact;
  const artifacts = [metricsArtifact, ...(modelArtifact ? [modelArtifact] : [])];
  const path = flowPath(settings, file);

  if (input.idempotencyKey) {
    const flowName = await flowNameOf(settings, path, context);
    const earlier = await selectRun(
      settings,
      { flow: flowName, tag: idempotencyTag(input.idempotencyKey), artifact: metricsArtifact },
      context,
    ).catch((error: unknown) => {
      // A flow that never ran has nothing to find; anything else is a real failure.
      if (ModelshipError.hasCode(error, ErrorCode.NotFound)) return undefined;
      throw error;
    });
    if (earlier?.run) {
      context.logger.info(
        `train: ${earlier.run.pathspec} already ran for this idempotency key; not running again`,
      );
      const run = await readRun(settings, earlier.run.pathspec, artifacts, context);
      return trainResult(run, file, metricsArtifact, modelArtifact, undefined);
    }
  }

  const dir = await mkdtemp(join(tmpdir(), 'modelship-metaflow-'));
  try {
    const runIdFile = join(dir, 'run-id');
    const args = trainArgs(path, runIdFile, input, options.withCard ?? settings.withCard);
    const result = await runPython(settings, { args, operation: 'train' }, context);
    // Metaflow writes the id as soon as the run starts, so a failed run still has one.
    const runId = await readFile(runIdFile, 'utf8').then(
      (text) => text.trim(),
      () => '',
    );
    if (!runId) throw new CommandFailedError(result.command, result.exitCode, stderrTail(result));
    const flowName = await flowNameFromOutput(result.stderr + result.stdout, settings, path, context);
    const run = await readRun(settings, `${flowName}/${runId}`, artifacts, context);
    return trainResult(run, file, metricsArtifact, modelArtifact, result.exitCode);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const flowNames = new Map<string, string>();

async function flowNameFromOutput(
  output: string,
  settings: ResolvedSettings,
  path: string,
  context: ProviderContext,
): Promise<string> {
  const match = /executing (\w+) for /.exec(output);
  if (match) {
    flowNames.set(path, match[1]!);
    return match[1]!;
  }
  return flowNameOf(settings, path, context);
}

/** The FlowSpec class name of a flow file, as Metaflow reports it. */
export async function flowNameOf(
  settings: ResolvedSettings,
  path: string,
  context: ProviderContext,
): Promise<string> {
  const known = flowNames.get(path);
  if (known) return known;
  const result = await runPython(
    settings,
    { args: [path, 'show'], operation: 'read flow name', stream: false },
    context,
  );
  const match = /executing (\w+) for /.exec(result.stderr + result.stdout);
  if (!match) throw new CommandFailedError(result.command, result.exitCode, stderrTail(result));
  flowNames.set(path, match[1]!);
  return match[1]!;
}
