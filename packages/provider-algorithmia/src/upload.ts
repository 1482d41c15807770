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
import { digestLabel, uploadWithManifest } from '@modelship/core/provider-kit';
import { captureProvenance, modelshipManifestSchema } from '@modelship/manifest';
import type { AlgorithmiaDeps } from './client.js';
import type { AlgorithmiaProviderSettings } from './settings.js';

/** `model.pkl` + commit `abc…` → `model_abc….pkl`, the action's unique upload name. */
export function uploadFileName(modelPath: string, commit: string): string {
  const ext = extname(modelPath);
  return `${basename(modelPath, ext)}_${commit}${ext}`;
}

/** Where the model came from: the origin* settings over GitHub Actions variables / the git checkout. */
export async function originOf(settings: AlgorithmiaProviderSettings) {
  const captured = await captureProvenance({ cwd: resolve(settings.workspace ?? '.'), env: settings.env });
  const given = {
    commit: settings.originCommit,
    repository: settings.originRepository,
    ref: settings.originRef,
    commitMessage: settings.originCommitMessage,
  };
  const defined = Object.entries(given).filter(([, value]) => value !== undefined);
  return { ...captured, ...Object.fromEntries(defined) };
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
      'upload: the origin commit is unknown; set settings.originCommit (--origin-commit), GITHUB_SHA, or run inside the git checkout (settings.workspace)',
    );
  }
  const dataPath = `${deps.resolved.collection}/${uploadFileName(path, commit)}`;
  const uri = `data://${dataPath}`;
  return uploadWithManifest({ ...input, path }, context, {
    stamp: { algorithms: ['md5', 'sha256'], provenance: { ...provenance, commit }, storageUri: uri },
    target: ({ manifest }) => ({
      uri,
      refs: { dataPath: uri, md5: manifest.files[0]?.md5 ?? '', originCommit: commit },
      stored: () => storedDigest(deps, dataPath, info.size),
      putFile: async (file) => {
        await deps.data.ensureDirectory(deps.resolved.collection, context.signal);
        await deps.data.put(dataPath, await readFile(file.absolutePath), context.signal);
      },
      // After the model: a manifest in the collection means its model is complete.
      putManifest: async (text) => {
        await deps.data.put(`${dataPath}.modelship.json`, Buffer.from(text), context.signal);
        return undefined;
      },
    }),
  });
}

/** The digest of the manifest stored beside a model of this size, if both are there. */
async function storedDigest(deps: AlgorithmiaDeps, dataPath: string, size: number) {
  const head = await deps.data.head(dataPath, deps.context.signal);
  if (!head.exists || head.size !== size) return undefined;
  const text = await deps.data
    .getText(`${dataPath}.modelship.json`, deps.context.signal)
    .catch((error: unknown) => {
      if ((error as { rawCode?: unknown }).rawCode === 404) return undefined;
      throw error;
    });
  const parsed = text === undefined ? undefined : modelshipManifestSchema.safeParse(JSON.parse(text));
  return parsed?.success ? digestLabel(parsed.data.digest) : undefined;
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
