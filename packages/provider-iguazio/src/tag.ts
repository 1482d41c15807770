import {
  type ProviderContext,
  type StatusInput,
  type TagInput,
  type TagResult,
  throwIfAborted,
} from '@modelship/core';
import { type ArtifactRef, artifactRefFrom, versionQuery } from './artifact-ref.js';
import { listArtifacts } from './client.js';
import { type ResolvedSettings, separateEnvironments, sourceEnvironment } from './settings.js';
import { formatStoreUri, validateStoreUri } from './store-uri.js';
import type { StoredArtifact } from './upload.js';

/**
 * Adds (PUT, append) or removes (DELETE) an MLRun artifact tag. A tag names one version per key,
 * so when another version holds it, it is first removed there: `champion` moves, never doubles.
 */
export async function tagModel(
  resolved: ResolvedSettings,
  input: TagInput,
  context: ProviderContext,
): Promise<TagResult> {
  throwIfAborted(context.signal, 'tag');
  const environment = resolved.environment(input.stage);
  const source = sourceEnvironment(resolved, input.refs);
  const ref = artifactRefFrom(input.refs, { project: resolved.project, key: input.model.name }, 'tag');
  const tag = resolved.settings.tagNames?.[input.tag] ?? input.tag;
  validateStoreUri({ kind: 'models', project: ref.project, key: ref.key, tag }, `tag "${tag}"`);
  if (!ref.tree) {
    // A `:tag` or `^uid` URI: the tag endpoints name versions by tree (producer_id), so learn it.
    const found = await source.client<StoredArtifact>({
      path: `v2/projects/${ref.project}/artifacts/${ref.key}`,
      query: versionQuery(ref),
      what: `artifact ${ref.project}/${ref.key}`,
      operation: 'tag',
    });
    ref.tree = found.body.metadata?.tree;
  }
  // A stage on its own cluster tags its own copy (same key and tree, in its project), which the
  // deploy into that stage imported.
  if (separateEnvironments(source, environment)) ref.project = environment.project;
  const { client } = environment;
  const identifier = (tree: string | undefined) => ({
    kind: 'artifact',
    identifiers: [{ kind: 'model', key: ref.key, iter: 0, producer_id: tree }],
  });
  const path = `v1/projects/${ref.project}/tags/${tag}`;
  const refs = { ...input.refs, project: ref.project, key: ref.key, tree: ref.tree ?? '', tag };
  const holder = await client<StoredArtifact>({
    path: `v2/projects/${ref.project}/artifacts/${ref.key}`,
    query: { tag },
    allow: [404],
    what: `artifact ${ref.project}/${ref.key}:${tag}`,
    operation: 'tag',
  });
  const heldBy = holder.status === 404 ? undefined : holder.body.metadata?.tree;
  if (input.action === 'remove') {
    if (heldBy === ref.tree)
      await client({
        method: 'DELETE',
        path,
        json: identifier(ref.tree),
        what: `tag ${tag} of ${ref.key}`,
        operation: 'tag',
      });
    return { refs, warnings: [] };
  }
  if (heldBy === ref.tree)
    return { refs: { ...refs, tagUri: tagUri(ref.project, ref.key, tag) }, warnings: [] };
  if (heldBy !== undefined) {
    context.logger.info(`tag: moving ${tag} of ${ref.project}/${ref.key} from ${heldBy} to ${ref.tree}`);
    await client({
      method: 'DELETE',
      path,
      json: identifier(heldBy),
      what: `tag ${tag} of ${ref.key}@${heldBy}`,
      operation: 'tag',
    });
  }
  await client({
    method: 'PUT',
    path,
    json: identifier(ref.tree),
    what: `artifact ${ref.project}/${ref.key}@${ref.tree}`,
    operation: 'tag',
  });
  return { refs: { ...refs, tagUri: tagUri(ref.project, ref.key, tag) }, warnings: [] };
}

function tagUri(project: string, key: string, tag: string): string {
  return formatStoreUri({ kind: 'models', project, key, tag });
}

/**
 * The tags a version holds where `tag` put them on `stage`, read back from MLRun: the artifact
 * lists one record per tag (`tag=*`), and MLRun tag names map back through `tagNames`. The version
 * is the one `refs` name, else the artifact upload tagged with the modelship version. Comma-separated;
 * undefined when neither names a version.
 */
export async function versionTags(
  resolved: ResolvedSettings,
  input: StatusInput,
  context: ProviderContext,
): Promise<string | undefined> {
  const refs = input.refs ?? {};
  const key = refs.key ?? input.model.name;
  const ref: ArtifactRef | undefined =
    refs.storeUri || refs.tree
      ? artifactRefFrom(refs, { project: resolved.project, key }, 'status')
      : input.model.version
        ? { project: resolved.project, key, tag: input.model.version }
        : undefined;
  if (!ref) return undefined;
  const source = sourceEnvironment(resolved, refs);
  if (!ref.tree) {
    const found = await source.client<StoredArtifact>({
      path: `v2/projects/${ref.project}/artifacts/${ref.key}`,
      query: versionQuery(ref),
      allow: [404],
      what: `artifact ${ref.project}/${ref.key}`,
      operation: 'status',
    });
    ref.tree = found.status === 404 ? undefined : found.body.metadata?.tree;
    if (!ref.tree) return '';
  }
  throwIfAborted(context.signal, 'status');
  const environment = resolved.environment(input.stage ?? 'development');
  const project = separateEnvironments(source, environment) ? environment.project : ref.project;
  const records = await listArtifacts(
    environment.client,
    project,
    { name: ref.key, tree: ref.tree, tag: '*' },
    'status',
  );
  const held = new Set(
    records.map((record) => record.metadata?.tag).filter((tag) => tag && tag !== 'latest'),
  );
  const named = Object.entries(resolved.settings.tagNames ?? {})
    .filter(([, mlrunTag]) => held.has(mlrunTag))
    .map(([tag]) => tag);
  return [...new Set([...held, ...named])].join(',');
}
