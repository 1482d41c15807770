import { type ProviderContext, type TagInput, type TagResult, throwIfAborted } from '@modelship/core';
import { artifactRefFrom, versionQuery } from './artifact-ref.js';
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
