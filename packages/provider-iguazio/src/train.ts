import {
  InvalidInputError,
  ModelshipError,
  type ProviderContext,
  ProviderError,
  type TrainInput,
  type TrainResult,
  throwIfAborted,
} from '@modelship/core';
import { pollUntil as poll } from '@modelship/core/provider-kit';
import { listArtifacts, type MlrunClient } from './client.js';
import { ensureProject } from './projects.js';
import type { ResolvedSettings } from './settings.js';
import { mapWorkflowState } from './status.js';
import { formatStoreUri } from './store-uri.js';

/** MLRun's notification shape: the webhook goes in `secret_params`, which the server masks. */
export function slackNotification(webhook: string, workflow: string) {
  return {
    kind: 'slack',
    name: `modelship-${workflow}`,
    message: `workflow ${workflow}`,
    severity: 'info',
    when: ['completed', 'error'],
    condition: '',
    params: {},
    secret_params: { webhook },
  };
}

function option(input: TrainInput, name: string): string | undefined {
  const value = input.options?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Polls until `probe` returns a value, on the provider kit's `pollUntil` (abort-safe, no listener
 * left behind): the interval starts at `pollIntervalMs` and doubles up to 8× (at most 15 s), bounded
 * by the settings' timeout.
 */
export function pollUntil<T>(
  resolved: ResolvedSettings,
  context: ProviderContext,
  operation: string,
  what: string,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const interval = resolved.pollIntervalMs;
  return poll<T>({
    what: `${operation}: ${what}`,
    interval,
    maxInterval: Math.max(interval, Math.min(interval * 8, 15_000)),
    timeout: resolved.timeoutMs,
    signal: context.signal,
    hint: 'check it in the MLRun UI',
    check: async () => {
      const value = await probe();
      return value === undefined ? { done: false } : { done: true, value: value as T };
    },
  });
}

/** `POST …/workflows/{name}/submit`; a refusal for want of a source says which modelship knob sets it. */
async function submit(client: MlrunClient, project: string, workflow: string, json: Record<string, unknown>) {
  try {
    return await client<{ run_id?: string; status?: string }>({
      method: 'POST',
      path: `v1/projects/${project}/workflows/${workflow}/submit`,
      json,
      what: `workflow ${project}/${workflow}`,
      operation: 'train',
    });
  } catch (error) {
    if (ModelshipError.isInstance(error) && /source is required/i.test(error.message))
      throw new InvalidInputError(
        `${error.message.replace(/; fix the request as the API says$/, '')}; set projectSource (--project-source) or pass --option source=git://…#branch`,
        { cause: error },
      );
    throw error;
  }
}

/**
 * Submits a project workflow (`train` by default), follows the runner to its workflow id and the
 * pipeline to a terminal state, then reads the model artifact the workflow logged and its metrics.
 * Options: `workflow`, `source`, `artifactPath`, `project`.
 */
export async function trainModel(
  resolved: ResolvedSettings,
  input: TrainInput,
  context: ProviderContext,
): Promise<TrainResult> {
  throwIfAborted(context.signal, 'train');
  const { client } = resolved;
  const project = option(input, 'project') ?? resolved.project;
  const workflow = option(input, 'workflow') ?? resolved.settings.trainWorkflow ?? 'train';
  const webhook = resolved.settings.slackWebhook ?? (resolved.settings.env ?? process.env).SLACK_WEBHOOK_URL;
  const source = option(input, 'source') ?? resolved.settings.projectSource;
  await ensureProject(client, project, 'train', source);
  const submitted = await submit(client, project, workflow, {
    spec: { name: workflow },
    arguments: { model_name: input.model.name, ...input.params },
    artifact_path: option(input, 'artifactPath'),
    source,
    run_name: input.idempotencyKey ? `modelship-${input.idempotencyKey}`.slice(0, 63) : undefined,
    notifications: webhook ? [slackNotification(webhook, workflow)] : undefined,
  });
  const runId = submitted.body.run_id;
  if (!runId)
    throw new ProviderError(`train: MLRun accepted workflow ${workflow} but returned no run_id`, {
      provider: 'iguazio',
      operation: 'train',
    });
  context.logger.info(`train: submitted workflow ${project}/${workflow}, runner ${runId}`);
  // The runner logs the workflow id once it has started the pipeline; until then MLRun says 404.
  // 412 means the runner failed (no such workflow in the project's source, a bad source): final.
  const workflowId = await pollUntil(
    resolved,
    context,
    'train',
    `workflow ${workflow} runner ${runId}`,
    async () => {
      const found = await client<{ workflow_id?: string }>({
        path: `v1/projects/${project}/workflows/${workflow}/runs/${runId}`,
        allow: [404],
        what: `workflow run ${runId}`,
        operation: 'train',
      });
      return found.status === 200 && found.body.workflow_id ? found.body.workflow_id : undefined;
    },
  );
  const finalState = await pollUntil(resolved, context, 'train', `workflow ${workflowId}`, async () => {
    const pipeline = await client<{ run?: { status?: string; error?: string | null }; status?: string }>({
      path: `v1/projects/${project}/pipelines/${workflowId}`,
      query: { format: 'summary' },
      what: `pipeline ${workflowId}`,
      operation: 'train',
    });
    const raw = pipeline.body.run?.status ?? pipeline.body.status;
    const status = mapWorkflowState(raw);
    context.progress({ task: `workflow ${workflow}`, done: 0, unit: 'steps' });
    return ['succeeded', 'failed', 'stopped'].includes(status.unified)
      ? { status, error: pipeline.body.run?.error }
      : undefined;
  });
  if (finalState.status.unified !== 'succeeded') {
    throw new ProviderError(
      `train: workflow ${project}/${workflow} (${workflowId}) ended ${finalState.status.raw}${finalState.error ? `: ${finalState.error}` : ''}; see its logs in MLRun`,
      { provider: 'iguazio', operation: 'train', rawCode: finalState.status.raw, details: { workflowId } },
    );
  }
  const logged = await listArtifacts(
    client,
    project,
    { tree: workflowId, category: 'model', name: input.model.name },
    'train',
  );
  const model = logged.find((a) => a.kind === 'model') ?? logged[0];
  const metrics: Record<string, number> = {};
  for (const [name, value] of Object.entries(model?.spec?.metrics ?? {}))
    if (typeof value === 'number' && Number.isFinite(value)) metrics[name] = value;
  const refs: Record<string, string> = { project, workflow, workflowId, runnerId: runId };
  let artifact: string | undefined;
  if (model?.metadata?.key) {
    artifact = formatStoreUri({
      kind: 'models',
      project,
      key: model.metadata.key,
      iter: model.metadata.iter ?? 0,
      tree: workflowId,
    });
    Object.assign(refs, { key: model.metadata.key, tree: workflowId, storeUri: artifact });
  }
  return {
    runId: workflowId,
    status: finalState.status,
    metrics,
    artifact,
    refs,
    warnings: model
      ? []
      : [
          {
            type: 'other',
            message: `workflow ${workflow} logged no model artifact named ${input.model.name}`,
          },
        ],
  };
}
