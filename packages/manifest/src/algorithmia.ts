import { basename } from 'node:path';
import { aggregateDigest } from './aggregate.js';
import { modelshipSchemaId } from './constants.js';
import { ManifestErrorCode, ManifestInputError } from './errors.js';
import type { AlgorithmiaManifest, ModelshipManifest } from './schemas.js';

/** `2020-10-14T21:30:25.522Z` → `2020-10-14 21:30:25.522000` (Python's `%Y-%m-%d %H:%M:%S.%f`, UTC). */
export function toAlgorithmiaTime(iso: string): string {
  const date = new Date(iso);
  const micros = /\.(\d+)Z$/.exec(iso)?.[1]?.padEnd(6, '0').slice(0, 6) ?? '000000';
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}.${micros}`;
}

/** `2020-10-14 21:30:25.522165` → `2020-10-14T21:30:25.522165Z`. */
export function fromAlgorithmiaTime(text: string): string {
  return `${text.replace(' ', 'T')}Z`;
}

export interface ToAlgorithmiaOptions {
  /** Algorithmia data path without `data://`; default: storage.uri minus `data://`, else the file path. */
  modelFilepath?: string;
  /** An existing Algorithmia manifest whose other keys are kept (the action's readers may use them). */
  base?: AlgorithmiaManifest | Record<string, unknown>;
}

/** The Algorithmia `model_manifest.json` for a single-file modelship manifest with an md5. */
export function toAlgorithmiaManifest(
  manifest: ModelshipManifest,
  options: ToAlgorithmiaOptions = {},
): AlgorithmiaManifest {
  const file = manifest.files[0];
  if (manifest.files.length !== 1 || file?.md5 === undefined) {
    throw new ManifestInputError(
      ManifestErrorCode.INVALID_OPTIONS,
      'the Algorithmia format holds exactly one file with an md5 digest; this manifest has ' +
        `${manifest.files.length} file(s)${file && !file.md5 ? ' without md5' : ''} — create it with --algorithms md5,sha256`,
    );
  }
  const uri = manifest.storage?.uri;
  const { provenance } = manifest;
  return {
    ...options.base,
    model_filepath: options.modelFilepath ?? (uri ? uri.replace(/^data:\/\//, '') : file.path),
    model_md5_hash: file.md5,
    model_origin_commit_SHA: provenance.commit ?? 'unknown',
    model_origin_commit_msg: provenance.commitMessage,
    model_origin_repo: provenance.repository ?? 'unknown',
    model_origin_ref: provenance.ref ?? 'unknown',
    model_uploaded_utc: toAlgorithmiaTime(provenance.uploadedAt),
  };
}

export interface FromAlgorithmiaOptions {
  /** Size in bytes of the local model file (Algorithmia manifests do not record it). */
  size: number;
  sha256?: string;
  name?: string;
  version?: string;
}

/** A modelship v1 manifest from an Algorithmia one; unknown Algorithmia keys are dropped. */
export function fromAlgorithmiaManifest(
  manifest: AlgorithmiaManifest,
  options: FromAlgorithmiaOptions,
): ModelshipManifest {
  const path = basename(manifest.model_filepath);
  const files = [
    {
      path,
      size: options.size,
      md5: manifest.model_md5_hash,
      ...(options.sha256 ? { sha256: options.sha256 } : {}),
    },
  ];
  const algorithm = options.sha256 ? 'sha256' : 'md5';
  return {
    schema: modelshipSchemaId,
    name: options.name ?? path.replace(/\.[^.]+$/, ''),
    version: options.version ?? manifest.model_origin_commit_SHA,
    files,
    digest: { algorithm, value: aggregateDigest(files, algorithm) },
    provenance: {
      source: 'github-actions',
      repository: manifest.model_origin_repo,
      ref: manifest.model_origin_ref,
      commit: manifest.model_origin_commit_SHA,
      commitMessage: manifest.model_origin_commit_msg,
      workflow: null,
      runId: null,
      runAttempt: null,
      actor: null,
      uploadedAt: fromAlgorithmiaTime(manifest.model_uploaded_utc),
    },
    storage: { uri: `data://${manifest.model_filepath}` },
  };
}
