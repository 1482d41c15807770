// upload: the model into the data collection as `<stem>_<sha><ext>`, its modelship manifest beside it
// (last); and, for deploy, the check that what is stored is still that model.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import {
  ErrorCode,
  InvalidInputError,
  ModelshipError,
  type ProviderRefs,
  throwIfAborted,
  type UploadInput,
  type UploadResult,
} from '@modelship/core';
import { captureProvenance, createManifest, modelshipManifestSchema } from '@modelship/manifest';
import type { AlgorithmiaDeps } from './client.js';
import type { AlgorithmiaProviderSettings } from './settings.js';

/** `model.pkl` + commit `abc…` → `model_abc….pkl`, the action's unique upload name. */
export function uploadFileName(modelPath: string, commit: string): string {
  const ext = extname(modelPath);
  return `${basename(modelPath, ext)}_${commit}${ext}`;
}

/** Where the model came from: settings.origin over GitHub Actions variables / the git checkout. */
export async function originOf(settings: AlgorithmiaProviderSettings) {
  const captured = await captureProvenance({ cwd: resolve(settings.workspace ?? '.'), env: settings.env });
  return {
    ...captured,
    ...settings.origin,
    commitMessage: settings.origin?.commitMessage ?? captured.commitMessage,
  };
}

export async function uploadModel(deps: AlgorithmiaDeps, input: UploadInput): Promise<UploadResult> {
  const { context } = deps;
  throwIfAborted(context.signal, 'upload');
  const path = resolve(input.path);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) {
    throw new InvalidInputError(
      `upload: ${path} is not a model file; Algorithmia collections hold one file per model`,
    );
  }
  const provenance = await originOf(deps.settings);
  const commit = input.metadata?.commit ?? provenance.commit;
  if (!commit) {
    throw new InvalidInputError(
      'upload: the origin commit is unknown; set settings.origin.commit, GITHUB_SHA, or run inside the git checkout (settings.workspace)',
    );
  }
  const dataPath = `${deps.resolved.collection}/${uploadFileName(path, commit)}`;
  const { manifest } = await createManifest({
    path,
    algorithms: ['md5', 'sha256'],
    provenance: { ...provenance, commit },
    name: input.model.name,
    ...(input.model.version ? { version: input.model.version } : {}),
    storageUri: `data://${dataPath}`,
  });
  const manifestDigest = `${manifest.digest.algorithm}:${manifest.digest.value}`;
  if (input.manifestDigest && input.manifestDigest !== manifestDigest) {
    throw new ModelshipError(
      ErrorCode.Integrity,
      `upload: ${path} hashes to ${manifestDigest} but the caller stamped ${input.manifestDigest}; the model changed after its manifest was made — re-create the manifest`,
      { details: { expected: input.manifestDigest, actual: manifestDigest } },
    );
  }
  const md5 = manifest.files[0]?.md5 ?? '';
  const refs = { dataPath: `data://${dataPath}`, md5, originCommit: commit };
  const head = await deps.data.head(dataPath, context.signal);
  const manifestHead = await deps.data.head(`${dataPath}.modelship.json`, context.signal);
  if (head.exists && head.md5 === md5 && head.size === info.size && manifestHead.exists) {
    return {
      uri: refs.dataPath,
      refs,
      skipped: true,
      manifestDigest,
      warnings: [],
    };
  }
  await deps.data.ensureDirectory(deps.resolved.collection, context.signal);
  context.progress({ task: `upload ${basename(path)}`, done: 0, total: info.size, unit: 'bytes' });
  await deps.data.put(dataPath, await readFile(path), context.signal);
  // The manifest goes last: a manifest in the collection means its model is complete.
  await deps.data.put(`${dataPath}.modelship.json`, Buffer.from(JSON.stringify(manifest)), context.signal);
  context.progress({
    task: `upload ${basename(path)}`,
    done: info.size,
    total: info.size,
    unit: 'bytes',
    finished: true,
  });
  return {
    uri: refs.dataPath,
    refs,
    skipped: false,
    manifestDigest,
    warnings: [],
  };
}

/** Reads the modelship manifest stored beside the uploaded model and checks the model is still there. */
export async function uploadedModel(deps: AlgorithmiaDeps, refs: ProviderRefs) {
  const dataPath = refs.dataPath?.replace(/^data:\/\//, '');
  if (!dataPath) {
    throw new ModelshipError(
      ErrorCode.InvalidInput,
      'Algorithmia deploy needs refs.dataPath (the data:// URI upload returned); upload first',
    );
  }
  const head = await deps.data.head(dataPath, deps.context.signal);
  if (!head.exists) {
    throw new ModelshipError(
      ErrorCode.NotFound,
      `the model data://${dataPath} is not in the data collection; upload it again`,
      {
        details: { dataPath },
      },
    );
  }
  const text = await deps.data.getText(`${dataPath}.modelship.json`, deps.context.signal);
  const manifest = modelshipManifestSchema.parse(JSON.parse(text));
  const expected = manifest.files[0];
  // The API does not define the ETag as the MD5: a matching one spares the download (a 128-bit
  // coincidence it is not), anything else proves nothing, so the bytes are hashed. The inference
  // code checks model_manifest.json again when it loads the model.
  if (!head.md5 || head.md5 !== expected?.md5) {
    const bytes = await deps.data.getBytes(dataPath, deps.context.signal);
    const algorithm = expected?.sha256 ? 'sha256' : 'md5';
    const actual = createHash(algorithm).update(bytes).digest('hex');
    if (actual !== expected?.[algorithm]) {
      throw new ModelshipError(
        ErrorCode.Integrity,
        `data://${dataPath} has ${algorithm} ${actual} but its manifest says ${expected?.[algorithm] ?? '(none)'}; upload the model again`,
        { details: { dataPath } },
      );
    }
  }
  return { dataPath, manifest };
}
