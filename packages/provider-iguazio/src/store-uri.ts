import { InvalidInputError } from '@modelship/core';

/** The store kinds that name artifacts (feature sets and vectors are not models, so they are left out). */
export const storeKinds = ['artifacts', 'models', 'datasets'] as const;
export type StoreKind = (typeof storeKinds)[number];

/**
 * `store://{kind}/<project>/<key>[#<iter>][:<tag>][@<tree>][^<uid>]`, as MLRun prints and resolves
 * them (`mlrun.utils.regex.artifact_uri_pattern`); the MLRun 1.8+ client and UI print the `^<uid>` form.
 */
export interface StoreUri {
  kind: StoreKind;
  project: string;
  key: string;
  iter?: number;
  tag?: string;
  tree?: string;
  /** The server-made id of one stored version (`metadata.uid`, read back as `object-uid`). */
  uid?: string;
}

// Same shapes MLRun validates on the server (DNS-1123 project names, artifact keys, label-valued tags).
const projectPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const keyPattern = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const tagPattern = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const treePattern = /^[A-Za-z0-9][-A-Za-z0-9_]*$/;
const uidPattern = /^[A-Za-z0-9][-A-Za-z0-9_]*$/;

const fix: Record<keyof Omit<StoreUri, 'kind' | 'iter'>, string> = {
  project: 'lowercase letters, digits and dashes, starting and ending alphanumeric, at most 63 characters',
  key: 'letters, digits, "-", "_" and ".", starting and ending alphanumeric',
  tag: 'letters, digits, "-", "_" and ".", starting and ending alphanumeric, at most 63 characters',
  tree: 'letters, digits, "-" and "_" (a producer or workflow id)',
  uid: 'letters, digits, "-" and "_" (the uid MLRun gave the stored version)',
};

function check(field: keyof typeof fix, value: string, pattern: RegExp, max: number, where: string) {
  if (!pattern.test(value) || value.length > max) {
    throw new InvalidInputError(`${where}: ${field} "${value}" is not valid; use ${fix[field]}`, {
      details: { field, value },
    });
  }
}

/** Throws InvalidInputError naming the bad part; `where` says which input held it. */
export function validateStoreUri(uri: StoreUri, where = 'store URI'): StoreUri {
  if (!storeKinds.includes(uri.kind))
    throw new InvalidInputError(`${where}: kind "${uri.kind}" is not one of ${storeKinds.join(', ')}`);
  check('project', uri.project, projectPattern, 63, where);
  check('key', uri.key, keyPattern, 255, where);
  if (uri.iter !== undefined && !(Number.isSafeInteger(uri.iter) && uri.iter >= 0))
    throw new InvalidInputError(`${where}: iteration ${uri.iter} must be a non-negative integer`);
  if (uri.tag !== undefined) check('tag', uri.tag, tagPattern, 63, where);
  if (uri.tree !== undefined) check('tree', uri.tree, treePattern, 255, where);
  if (uri.uid !== undefined) check('uid', uri.uid, uidPattern, 255, where);
  return uri;
}

export function formatStoreUri(uri: StoreUri): string {
  validateStoreUri(uri);
  let text = `store://${uri.kind}/${uri.project}/${uri.key}`;
  if (uri.iter !== undefined) text += `#${uri.iter}`;
  if (uri.tag !== undefined) text += `:${uri.tag}`;
  if (uri.tree !== undefined) text += `@${uri.tree}`;
  if (uri.uid !== undefined) text += `^${uri.uid}`;
  return text;
}

const uriPattern =
  /^store:\/\/(?<kind>[^/]+)\/(?<project>[^/]+)\/(?<key>[^#:@^]+)(?:#(?<iter>[^:@^]*))?(?::(?<tag>[^@^]*))?(?:@(?<tree>[^^]*))?(?:\^(?<uid>.*))?$/;

export function parseStoreUri(text: string): StoreUri {
  const match = uriPattern.exec(text);
  if (!match?.groups) {
    throw new InvalidInputError(
      `"${text}" is not an MLRun store URI; expected store://{artifacts|models|datasets}/<project>/<key>[#<iter>][:<tag>][@<tree>][^<uid>]`,
    );
  }
  const { kind, project, key, iter, tag, tree, uid } = match.groups;
  if (iter !== undefined && !/^\d+$/.test(iter))
    throw new InvalidInputError(`"${text}": iteration "${iter}" must be a non-negative integer`);
  const uri: StoreUri = { kind: kind as StoreKind, project: project!, key: key! };
  if (iter !== undefined) uri.iter = Number(iter);
  if (tag !== undefined) uri.tag = tag;
  if (tree !== undefined) uri.tree = tree;
  if (uid !== undefined) uri.uid = uid;
  return validateStoreUri(uri, `"${text}"`);
}

/** MLRun files artifacts of kind `model` under `models`, `dataset` under `datasets`, the rest under `artifacts`. */
export function storeKindOf(artifactKind: string | undefined): StoreKind {
  if (artifactKind === 'model') return 'models';
  if (artifactKind === 'dataset') return 'datasets';
  return 'artifacts';
}
