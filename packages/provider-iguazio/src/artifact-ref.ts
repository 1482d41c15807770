import { InvalidInputError, type ProviderRefs } from '@modelship/core';
import { parseStoreUri } from './store-uri.js';

export interface ArtifactRef {
  project: string;
  key: string;
  tree?: string;
  tag?: string;
}

/** Finds the artifact a call means: `storeUri` wins, else `project`/`key`/`tree` refs, else the model name. */
export function artifactRefFrom(
  refs: ProviderRefs,
  fallback: { project: string; key: string },
  operation: string,
): ArtifactRef {
  if (refs.storeUri) {
    const uri = parseStoreUri(refs.storeUri);
    return { project: uri.project, key: uri.key, tree: uri.tree, tag: uri.tag };
  }
  const ref = { project: refs.project ?? fallback.project, key: refs.key ?? fallback.key, tree: refs.tree };
  if (!ref.tree)
    throw new InvalidInputError(
      `${operation}: refs name no artifact version; pass the refs of upload or train (storeUri, or key and tree)`,
      { details: { refs: Object.keys(refs) } },
    );
  return ref;
}
