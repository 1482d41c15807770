import { InvalidInputError, type ProviderRefs } from '@modelship/core';
import { parseStoreUri } from './store-uri.js';

export interface ArtifactRef {
  project: string;
  key: string;
  tree?: string;
  tag?: string;
  uid?: string;
  iter?: number;
}

/** Finds the artifact a call means: `storeUri` wins, else `project`/`key`/`tree` refs, else the model name. */
export function artifactRefFrom(
  refs: ProviderRefs,
  fallback: { project: string; key: string },
  operation: string,
): ArtifactRef {
  if (refs.storeUri) {
    const { kind: _kind, ...uri } = parseStoreUri(refs.storeUri);
    return uri;
  }
  const ref = { project: refs.project ?? fallback.project, key: refs.key ?? fallback.key, tree: refs.tree };
  if (!ref.tree)
    throw new InvalidInputError(
      `${operation}: refs name no artifact version; pass the refs of upload or train (storeUri, or key and tree)`,
      { details: { refs: Object.keys(refs) } },
    );
  return ref;
}

/**
 * The query of `GET /api/v2/projects/{p}/artifacts/{key}` naming one version, as `httpdb.read_artifact`
 * sends it: the uid (`object-uid`) is the most exact, then the tree, then the tag (`latest` by default).
 */
export function versionQuery(ref: Omit<ArtifactRef, 'project' | 'key'>): Record<string, string | number> {
  const query: Record<string, string | number> = { iter: ref.iter ?? 0 };
  if (ref.uid) query['object-uid'] = ref.uid;
  if (ref.tree) query.tree = ref.tree;
  if (!ref.uid && !ref.tree) query.tag = ref.tag ?? 'latest';
  else if (ref.tag) query.tag = ref.tag;
  return query;
}
