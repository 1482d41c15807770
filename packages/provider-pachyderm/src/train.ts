// train: what the Pachyderm GitHub Action does on a push — build and push `<image>:<sha>`,
// point every pipeline spec's transform.image at it, `pachctl update pipeline` in dependency
// order — and then what the action leaves to the user: wait for the model pipeline's job to
// reach a terminal JOB_* state and read the model's metrics.

import { setTimeout as delay } from 'node:timers/promises';
import {
  CommandFailedError,
  ErrorCode,
  InvalidInputError,
  ModelshipError,
  type ProviderContext,
  ProviderError,
  type ProviderWarning,
  type TrainInput,
  type TrainResult,
  throwIfAborted,
} from '@modelship/core';
import type { Pachctl } from './client.js';
import { lineageRefs, readLineage } from './lineage.js';
import { type JobInfo, jobInfoSchema, pipelineInfoSchema } from './schemas.js';
import { pipelineSpecFiles, type ResolvedSettings, requireSetting } from './settings.js';
import { gitShaAnnotation, type LoadedSpec, loadSpecs, orderByInputs, stamp } from './specs.js';
import { mapJobState, terminalJobStates } from './status.js';

/** Waits between polls; an abort ends the wait (and the caller's throwIfAborted then throws). No listener outlives it. */
const sleep = (ms: number, signal: AbortSignal) =>
  delay(ms, undefined, { signal }).catch((error: unknown) => {
    if (!signal.aborted) throw error;
  });

async function buildImage(
  resolved: ResolvedSettings,
  image: string,
  context: ProviderContext,
  warnings: ProviderWarning[],
) {
  const commands = resolved.settings.build ?? [];
  if (commands.length === 0) {
    warnings.push({
      type: 'skipped',
      feature: 'image build',
      message: `no build commands configured: ${image} must already be in the registry`,
    });
    return;
  }
  for (const step of commands) {
    throwIfAborted(context.signal, 'train');
    const args = step.args.map((arg) => arg.replaceAll('{image}', image));
    const result = await context.run(step.command, args, {
      cwd: step.cwd,
      env: step.env,
      signal: context.signal,
    });
    if (result.aborted) throwIfAborted(context.signal, 'train');
    if (result.failed)
      throw new CommandFailedError(
        result.command,
        result.exitCode,
        context.redact(result.stderr.slice(-2000)),
      );
  }
}

async function currentPipeline(pachctl: Pachctl, name: string) {
  try {
    return await pachctl.read(['inspect', 'pipeline', name], pipelineInfoSchema, 'train');
  } catch (error) {
    if (ModelshipError.hasCode(error, ErrorCode.NotFound)) return undefined;
    throw error;
  }
}

/** Updates the pipelines whose image differs (or all, with reprocess); returns how many changed. */
async function updatePipelines(
  pachctl: Pachctl,
  specs: LoadedSpec[],
  reprocess: boolean,
  context: ProviderContext,
) {
  let updated = 0;
  for (const { spec } of orderByInputs(specs)) {
    const name = spec.pipeline.name;
    const current = await currentPipeline(pachctl, name);
    const annotated = (spec.metadata as { annotations?: Record<string, string> } | undefined)?.annotations;
    if (
      !reprocess &&
      current?.details?.transform?.image === spec.transform.image &&
      current?.details?.metadata?.annotations?.[gitShaAnnotation] === annotated?.[gitShaAnnotation]
    ) {
      context.logger.info(`train: pipeline ${name} already runs ${spec.transform.image}`);
      continue;
    }
    context.logger.info(
      `train: ${current ? 'updating' : 'creating'} pipeline ${name} with ${spec.transform.image}`,
    );
    await pachctl.run(['update', 'pipeline', ...(reprocess ? ['--reprocess'] : [])], 'train', {
      input: JSON.stringify(spec),
    });
    updated++;
  }
  return updated;
}

/** Waits for job `repo@id`: `wait commit` on its output, then `inspect job` until a terminal state. */
export async function waitForJob(
  pachctl: Pachctl,
  repo: string,
  id: string,
  resolved: ResolvedSettings,
  context: ProviderContext,
): Promise<JobInfo> {
  const timeoutMs = resolved.settings.jobTimeoutMs ?? 3_600_000;
  const deadline = Date.now() + timeoutMs;
  await pachctl.run(['wait', 'commit', `${repo}@${id}`, '--raw', '-o', 'json'], 'train (wait commit)', {
    timeoutMs,
  });
  for (let polls = 0; ; polls++) {
    const job = await pachctl.read(['inspect', 'job', `${repo}@${id}`], jobInfoSchema, 'train (inspect job)');
    context.progress({
      task: `job ${repo}@${id}`,
      done: polls,
      unit: 'steps',
      finished: terminalJobStates.has(job.state ?? ''),
    });
    if (terminalJobStates.has(job.state ?? '')) return job;
    if (Date.now() > deadline) {
      throw new ProviderError(
        `train: job ${repo}@${id} is still ${job.state} after ${timeoutMs} ms; raise settings.jobTimeoutMs or check the pipeline with pachctl inspect job`,
        {
          provider: 'pachyderm',
          operation: 'train',
          code: ErrorCode.Timeout,
          rawCode: job.state ?? undefined,
        },
      );
    }
    await sleep(resolved.settings.pollIntervalMs ?? 2_000, context.signal);
    throwIfAborted(context.signal, 'train');
  }
}

async function readMetrics(pachctl: Pachctl, repo: string, id: string, warnings: ProviderWarning[]) {
  try {
    const text = await pachctl.run(['get', 'file', `${repo}@${id}:/metrics.json`], 'train (metrics)');
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(parsed).filter(
        (e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]),
      ),
    );
  } catch (error) {
    if (!ModelshipError.hasCode(error, ErrorCode.NotFound) && !(error instanceof SyntaxError)) throw error;
    warnings.push({
      type: 'other',
      feature: 'metrics',
      message: `${repo}@${id} has no readable /metrics.json; no metrics reported`,
    });
    return {};
  }
}

export async function train(
  pachctl: Pachctl,
  resolved: ResolvedSettings,
  input: TrainInput,
  context: ProviderContext,
): Promise<TrainResult> {
  throwIfAborted(context.signal, 'train');
  const options = input.options ?? {};
  const warnings: ProviderWarning[] = [];
  const specs = await loadSpecs(pipelineSpecFiles(resolved));
  const ordered = orderByInputs(specs);
  const modelRepo = resolved.settings.modelRepo ?? ordered.at(-1)?.spec.pipeline.name;
  if (!modelRepo)
    throw new InvalidInputError(
      'train: no pipeline specs; set settings.pipelineSpecs or PACHYDERM_PIPELINE_FILES',
    );
  const pipelines = new Set(specs.map((s) => s.spec.pipeline.name));
  let id = typeof options.commit === 'string' ? options.commit : undefined;
  let image: string | undefined;
  if (!id) {
    const name = requireSetting(
      resolved.settings.image ?? resolved.environment.DOCKER_IMAGE_TAG,
      'image',
      'DOCKER_IMAGE_TAG',
      'train',
    );
    const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
    const tagged = text(options.imageTag) ?? resolved.settings.imageTag;
    const gitSha = requireSetting(
      text(options.gitSha) ??
        resolved.settings.gitSha ??
        resolved.environment.GITHUB_SHA ??
        (tagged && /^[0-9a-f]{7,40}$/.test(tagged) ? tagged : undefined),
      'gitSha',
      'GITHUB_SHA',
      'train (the git commit the image is built from, for lineage)',
    );
    const tag = tagged ?? gitSha;
    image = `${name}:${tag}`;
    await buildImage(resolved, image, context, warnings);
    const reprocess =
      options.reprocess === undefined
        ? (resolved.settings.reprocess ?? false)
        : options.reprocess === true || options.reprocess === 'true';
    await updatePipelines(
      pachctl,
      specs.map((s) => ({ ...s, spec: stamp(s.spec, name, tag, gitSha) })),
      reprocess,
      context,
    );
    const info = await pachctl.read(['inspect', 'pipeline', modelRepo], pipelineInfoSchema, 'train');
    id = info.spec_commit?.id;
    if (!id) throw new TypeError(`train: pachctl inspect pipeline ${modelRepo} printed no spec_commit`);
  }
  const job = await waitForJob(pachctl, modelRepo, id, resolved, context);
  const status = mapJobState(job.state);
  if (status.unified !== 'succeeded') {
    throw new ProviderError(
      `train: job ${modelRepo}@${id} ended ${job.state}${job.reason ? `: ${job.reason}` : ''}; inspect it with pachctl inspect job ${modelRepo}@${id}`,
      {
        provider: 'pachyderm',
        operation: 'train',
        rawCode: job.state ?? undefined,
        details: { job: id, state: job.state, reason: job.reason },
      },
    );
  }
  const metrics = await readMetrics(pachctl, modelRepo, id, warnings);
  const lineage = await readLineage(pachctl, modelRepo, id, pipelines);
  return {
    runId: `${modelRepo}@${id}`,
    status,
    metrics,
    artifact: `${modelRepo}@${id}`,
    refs: {
      // A retrain triggered by data has no image of its own here: lineage reads it from the spec.
      ...(image ? { image } : {}),
      ...lineageRefs(lineage),
      job: `${modelRepo}@${id}`,
      ...(job.pipeline_version != null ? { pipelineVersion: String(job.pipeline_version) } : {}),
    },
    warnings,
  };
}
