// Tags are how a Metaflow run becomes a deployment candidate or the production champion.
// Without a metadata service they change through the flow's own `tag` command; with one, through
// the service's `PATCH …/tag/mutate`, retried on 409 like Metaflow's own client does.
import {
  ErrorCode,
  InvalidInputError,
  NotFoundError,
  type ProviderContext,
  ProviderError,
  throwIfAborted,
} from '@modelship/core';
import { type MetadataService, metadataService, serviceFetch } from './client.js';
import { commandFailed, flowPath, queryHelper, runPython } from './python.js';
import type { RunPathspec } from './run-id.js';
import type { ResolvedSettings } from './settings.js';

export interface TagMutation {
  run: RunPathspec;
  add?: readonly string[];
  remove?: readonly string[];
  /** Flow file of the run (the CLI path needs it). */
  flowFile?: string;
  /** Who created the run: the CLI looks runs up in `user:<creator>`. */
  creator?: string;
}

const MAX_ATTEMPTS = 10;

export function tagCommandArgs(file: string, mutation: TagMutation, namespace: string | undefined): string[] {
  const add = mutation.add ?? [];
  const remove = mutation.remove ?? [];
  const base = (verb: string) => [file, 'tag', verb, '--run-id', mutation.run.id];
  const ns = namespace ? ['--namespace', namespace] : [];
  if (add.length && remove.length)
    return [
      ...base('replace'),
      ...ns,
      ...remove.flatMap((tag) => ['--remove', tag]),
      ...add.flatMap((tag) => ['--add', tag]),
    ];
  if (add.length) return [...base('add'), ...ns, ...add];
  return [...base('remove'), ...ns, ...remove];
}

export async function mutateTags(
  settings: ResolvedSettings,
  mutation: TagMutation,
  context: ProviderContext,
): Promise<void> {
  if (!mutation.add?.length && !mutation.remove?.length) return;
  const service = metadataService(settings);
  if (service) return mutateThroughService(settings, service, mutation, context);
  const flowFile = mutation.flowFile ?? settings.raw.trainFlow;
  if (!flowFile) return mutateThroughClient(settings, mutation, context);
  const file = flowPath(settings, flowFile);
  const namespace = mutation.creator ? `user:${mutation.creator}` : settings.namespace;
  const args = tagCommandArgs(file, mutation, namespace);
  const result = await runPython(settings, { args, operation: 'tag', stream: false }, context);
  if (result.failed) commandFailed(result, `tag ${mutation.run.pathspec}`);
}

/** Without a flow file: the Metaflow client's `Run.replace_tags`, through the query helper. */
async function mutateThroughClient(
  settings: ResolvedSettings,
  mutation: TagMutation,
  context: ProviderContext,
): Promise<void> {
  const args = [
    'tag',
    mutation.run.pathspec,
    ...(mutation.add ?? []).flatMap((tag) => ['--add', tag]),
    ...(mutation.remove ?? []).flatMap((tag) => ['--remove', tag]),
  ];
  await queryHelper(settings, args, `tag ${mutation.run.pathspec}`, context);
}

async function mutateThroughService(
  settings: ResolvedSettings,
  service: MetadataService,
  mutation: TagMutation,
  context: ProviderContext,
): Promise<void> {
  const { flow, id, pathspec } = mutation.run;
  const path = `/flows/${encodeURIComponent(flow)}/runs/${encodeURIComponent(id)}/tag/mutate`;
  const body = JSON.stringify({ tags_to_add: mutation.add ?? [], tags_to_remove: mutation.remove ?? [] });
  const operation = `tag ${pathspec}`;
  for (let attempt = 1; ; attempt += 1) {
    throwIfAborted(context.signal, operation);
    const response = await serviceFetch(
      settings,
      service,
      path,
      { method: 'PATCH', headers: { 'content-type': 'application/json' }, body },
      operation,
      context,
    );
    if (response.ok) return;
    const text = context.redact((await response.text()).slice(0, 500));
    const status = response.status;
    if (status === 400 || status === 422)
      throw new InvalidInputError(
        `${operation}: the metadata service rejected the tags (${status}): ${text}`,
        {
          details: { rawCode: status },
        },
      );
    if (status === 404) throw new NotFoundError(`${operation}: the metadata service has no run ${pathspec}`);
    if (status === 401 || status === 403)
      throw new ProviderError(
        `${operation}: the metadata service refused the credentials (${status}); check METAFLOW_SERVICE_AUTH_KEY or METAFLOW_SERVICE_HEADERS`,
        {
          provider: 'metaflow',
          operation,
          rawCode: status,
          code: ErrorCode.AuthFailed,
        },
      );
    const retryable = status === 409 || status === 429 || status >= 500;
    if (!retryable || attempt >= MAX_ATTEMPTS)
      throw new ProviderError(
        status === 409
          ? `${operation}: gave up after ${attempt} conflicting updates from other processes; retry later`
          : `${operation}: the metadata service answered ${status}: ${text}`,
        {
          provider: 'metaflow',
          operation,
          rawCode: status,
          code:
            status === 409 ? ErrorCode.Conflict : status === 429 ? ErrorCode.Throttled : ErrorCode.Provider,
          isRetryable: retryable,
        },
      );
    // Same gentle exponential backoff as Metaflow's own client, shorter to start.
    await new Promise((done) => setTimeout(done, Math.min(2_000, 50 * 1.5 ** attempt)));
  }
}
