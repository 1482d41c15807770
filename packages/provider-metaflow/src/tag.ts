// Tags are how a Metaflow run becomes a deployment candidate or the production champion.
// Without a metadata service they change through the flow's own `tag` command; with one, through
// the service's `PATCH …/tag/mutate`, retried on 409 like Metaflow's own client does.
import { type ProviderContext, type TagInput, type TagResult, throwIfAborted } from '@modelship/core';
import { delay } from '@modelship/core/provider-kit';
import {
  flowPath,
  parseRunPathspec,
  queryHelper,
  type RunPathspec,
  readRun,
  runCreator,
  runPython,
} from './client.js';
import { commandFailed, tagServiceError } from './errors.js';
import { type MetadataService, metadataService, serviceFetch } from './metadata-service.js';
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
    const error = tagServiceError(operation, pathspec, response.status, text, {
      made: attempt,
      max: MAX_ATTEMPTS,
    });
    if (error) throw error;
    // Same gentle exponential backoff as Metaflow's own client, shorter to start.
    await delay(Math.min(2_000, 50 * 1.5 ** attempt), context.signal, operation);
  }
}

/** `champion` on a stage means that stage's run tag (e.g. production → `production`). */
export function metaflowTagFor(stageTags: Record<string, string>, stage: string, tag: string): string {
  return tag === 'champion' && stageTags[stage] ? stageTags[stage] : tag;
}

/** The run's creator, unless a namespace is set (then lookups already find the run). */
async function creatorOf(settings: ResolvedSettings, run: RunPathspec, context: ProviderContext) {
  return runCreator(await readRun(settings, run.pathspec, [], context));
}

/** The contract's `tag`: one Metaflow tag added to (or removed from) the run of `refs.runId`. */
export async function tag(
  settings: ResolvedSettings,
  input: TagInput,
  context: ProviderContext,
): Promise<TagResult> {
  const run = parseRunPathspec(input.refs.runId, 'tag refs.runId', input.refs.flow);
  const name = metaflowTagFor(settings.stageTags, input.stage, input.tag);
  const creator =
    input.refs.user ?? (settings.namespace ? undefined : await creatorOf(settings, run, context));
  const remove = input.action === 'remove';
  const flowFile = input.refs.flowFile;
  await mutateTags(
    settings,
    { run, add: remove ? [] : [name], remove: remove ? [name] : [], flowFile, creator },
    context,
  );
  return {
    refs: {
      runId: run.pathspec,
      flow: run.flow,
      tag: name,
      ...(flowFile ? { flowFile } : {}),
      ...(creator ? { user: creator } : {}),
    },
    warnings: [],
  };
}

export interface ReplaceTagsInput {
  /** `Flow/123`. */
  runId: string;
  add?: string[];
  remove?: string[];
  flowFile?: string;
}

/** Removes then adds tags in one `tag replace` (or one `tag/mutate` request); answers the run after. */
export async function replaceTags(
  settings: ResolvedSettings,
  input: ReplaceTagsInput,
  context: ProviderContext,
) {
  const run = parseRunPathspec(input.runId, 'replaceTags runId');
  const creator = await creatorOf(settings, run, context);
  await mutateTags(
    settings,
    { run, add: input.add, remove: input.remove, flowFile: input.flowFile, creator },
    context,
  );
  return readRun(settings, run.pathspec, [], context);
}
