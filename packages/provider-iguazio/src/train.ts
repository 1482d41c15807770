import {
  ErrorCode,
  type ProviderContext,
  ProviderError,
  type TrainInput,
  type TrainResult,
  throwIfAborted,
} from '@modelship/core';
import { sleep } from './client.js';
import { ensureProject } from './projects.js';
import type { ResolvedSettings } from './settings.js';
import { mapWorkflowState } from './status.js';
import { formatStoreUri } from './store-uri.js';
import type { StoredArtifact } from './upload.js';

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

/** Polls until `probe` returns a value; bounded by the settings' timeout, stops on abort. */
export async function pollUntil<T>(
  resolved: ResolvedSettings,
  context: ProviderContext,
  operation: string,
  what: string,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + resolved.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new ProviderError(
        `${operation}: ${what} did not finish within ${resolved.timeoutMs} ms; check it in the MLRun UI`,
        {
          provider: 'iguazio',
          operation,
          code: ErrorCode.Timeout,
        },
      );
    await sleep(resolved.pollIntervalMs, context.signal, operation);
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
  await ensureProject(client, project, 'train');
  const submitted = await client<{ run_id?: string; status?: string }>({
    method: 'POST',
    path: `v1/projects/${project}/workflows/${workflow}/submit`,
    json: {
      spec: { name: workflow },
      arguments: { model_name: input.model.name, ...input.params },
      artifact_path: option(input, 'artifactPath'),
      source: option(input, 'source'),
      run_name: input.idempotencyKey ? `modelship-${input.idempotencyKey}`.slice(0, 63) : undefined,
      notifications: webhook ? [slackNotification(webhook, workflow)] : undefined,
    },
    what: `workflow ${project}/${workflow}`,
    operation: 'train',
  });
  const runId = submitted.body.run_id;
  if (!runId)
    throw new ProviderError(`train: MLRun accepted workflow ${workflow} but returned no run_id`, {
      provider: 'iguazio',
      operation: 'train',
    });
  context.logger.info(`train: submitted workflow ${project}/${workflow}, runner ${runId}`);
  // The runner logs the workflow id once it has started the pipeline; until then MLRun says 404/412.
  const workflowId = await pollUntil(
    resolved,
    context,
    'train',
    `workflow ${workflow} runner ${runId}`,
    async () => {
      const found = await client<{ workflow_id?: string }>({
        path: `v1/projects/${project}/workflows/${workflow}/runs/${runId}`,
        allow: [404, 412],
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
  const listed = await client<{ artifacts?: StoredArtifact[] }>({
    path: `v2/projects/${project}/artifacts`,
    query: { tree: workflowId, category: 'model', name: input.model.name },
    what: `models of workflow ${workflowId}`,
    operation: 'train',
  });
  const model = (listed.body.artifacts ?? []).find((a) => a.kind === 'model') ?? listed.body.artifacts?.[0];
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
