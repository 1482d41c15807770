// Carrying a model from one MLRun environment to another, as the seed did by hand: export the
// artifact (project_export.py's `artifacts/{key}:{tag}.yaml`) and its files from the source,
// import them into the target project (what `project.import_artifact` / `set_artifact` do), and
// check on arrival, by reading the files back from the target, that they match the manifest.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  ErrorCode,
  InvalidInputError,
  ModelshipError,
  type ProviderContext,
  ProviderError,
  throwIfAborted,
} from '@modelship/core';
import { stringify } from 'yaml';
import { type ArtifactRef, versionQuery } from './artifact-ref.js';
import { ensureProject } from './projects.js';
import type { MlrunEnvironment, ResolvedSettings } from './settings.js';
import { readStored, writeStored } from './storage.js';
import { formatStoreUri, validateStoreUri } from './store-uri.js';
import type { StoredArtifact } from './upload.js';

const manifestName = 'modelship.manifest.json';

export interface CarryInput {
  source: MlrunEnvironment;
  target: MlrunEnvironment;
  ref: ArtifactRef;
  /** The modelship version: the imported artifact's tag in the target project. */
  version: string;
  /** The digest the ledger recorded for the version, when it has one. */
  manifestDigest?: string;
}

export interface Carried {
  /** The target environment's own copy. */
  ref: ArtifactRef & { tree: string };
  refs: Record<string, string>;
  /** False when the target already held this version with the same manifest. */
  transferred: boolean;
}

type Manifest = { files: { path: string }[]; digest: { algorithm: string; value: string } };

function integrity(message: string): ModelshipError {
  return new ModelshipError(ErrorCode.Integrity, message);
}

function targetBase(resolved: ResolvedSettings, target: MlrunEnvironment, key: string, tree: string): string {
  if (target.v3ioApi) return `v3io:///projects/${target.project}/artifacts/modelship/${key}/${tree}/`;
  const s3 = resolved.settings.s3;
  if (s3) return `s3://${s3.bucket}/${s3.prefix ?? 'modelship/'}${target.project}/${key}/${tree}/`;
  throw new InvalidInputError(
    `deploy: environment ${target.name} has nowhere to receive model files; set environments.${target.name}.v3ioApi (the cluster's V3IO_API) or s3`,
  );
}

/** The stored manifest, or undefined where there is none (a local upload keeps it only in the label). */
async function readManifestText(
  resolved: ResolvedSettings,
  source: MlrunEnvironment,
  base: string,
  context: ProviderContext,
): Promise<Uint8Array | undefined> {
  try {
    return await readStored(resolved, source, base, manifestName, context, 'deploy');
  } catch (error) {
    const missing =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ||
      (ModelshipError.isInstance(error) && error.code === ErrorCode.NotFound) ||
      (error as Error).name === 'NoSuchKey';
    if (missing) return undefined;
    throw error;
  }
}

/** The file list: the manifest stored beside the model, else the artifact's single model file. */
async function fetchFiles(
  resolved: ResolvedSettings,
  input: CarryInput,
  artifact: StoredArtifact,
  into: string,
  context: ProviderContext,
): Promise<Manifest> {
  const base = artifact.spec?.target_path;
  if (!base)
    throw new ProviderError(
      `deploy: ${input.ref.project}/${input.ref.key} has no target_path; nothing to carry`,
      {
        provider: 'iguazio',
        operation: 'deploy',
      },
    );
  const { createManifest, verifyModel } = await import('@modelship/manifest');
  const hasManifest = Object.keys(artifact.spec?.extra_data ?? {}).includes(manifestName);
  let files: string[];
  const text = hasManifest ? await readManifestText(resolved, input.source, base, context) : undefined;
  if (text) {
    await writeFile(join(into, manifestName), text);
    files = (JSON.parse(Buffer.from(text).toString('utf8')) as Manifest).files.map((file) => file.path);
  } else if (artifact.spec?.model_file) files = [artifact.spec.model_file];
  else
    throw new ProviderError(
      `deploy: ${input.ref.project}/${input.ref.key} lists neither a modelship manifest nor a model_file; cannot tell which files to carry`,
      { provider: 'iguazio', operation: 'deploy' },
    );
  for (const [index, file] of files.entries()) {
    throwIfAborted(context.signal, 'deploy');
    const body = await readStored(resolved, input.source, base, file, context, 'deploy');
    await mkdir(dirname(join(into, file)), { recursive: true });
    await writeFile(join(into, file), body);
    context.progress({
      task: `export from ${input.source.name}`,
      done: index + 1,
      total: files.length,
      unit: 'files',
    });
  }
  if (text) {
    await verifyModel({ manifest: join(into, manifestName), root: into, strict: true });
    return JSON.parse(await readFile(join(into, manifestName), 'utf8')) as Manifest;
  }
  // Registered by reference (a workflow logged it): the manifest is stamped here, from what the source holds.
  const { formatManifest } = await import('@modelship/manifest');
  const { manifest } = await createManifest({ path: into, name: input.ref.key, version: input.version });
  await writeFile(join(into, manifestName), formatManifest(manifest));
  return manifest as Manifest;
}

/** Reads every file back from the target and checks it against the manifest. */
async function verifyArrival(
  resolved: ResolvedSettings,
  target: MlrunEnvironment,
  base: string,
  manifestPath: string,
  manifest: Manifest,
  into: string,
  context: ProviderContext,
): Promise<void> {
  for (const file of manifest.files) {
    const body = await readStored(resolved, target, base, file.path, context, 'deploy');
    await mkdir(dirname(join(into, file.path)), { recursive: true });
    await writeFile(join(into, file.path), body);
  }
  const { verifyModel } = await import('@modelship/manifest');
  try {
    await verifyModel({ manifest: manifestPath, root: into, strict: true });
  } catch (error) {
    throw integrity(
      `deploy: the files that arrived in ${target.name} (${base}) do not match the manifest: ${(error as Error).message}`,
    );
  }
}

export async function carryModel(
  resolved: ResolvedSettings,
  input: CarryInput,
  context: ProviderContext,
): Promise<Carried> {
  const { source, target, ref } = input;
  const read = await source.client<StoredArtifact & Record<string, unknown>>({
    path: `v2/projects/${ref.project}/artifacts/${ref.key}`,
    query: versionQuery(ref),
    allow: [404],
    what: `model ${ref.project}/${ref.key} in ${source.name}`,
    operation: 'deploy',
  });
  if (read.status === 404)
    throw new ProviderError(
      `deploy: model artifact ${ref.project}/${ref.key}${ref.tree ? `@${ref.tree}` : ''} not found in the ${source.name} environment; upload or train it first, or pass its refs`,
      { provider: 'iguazio', operation: 'deploy', code: ErrorCode.NotFound, rawCode: 404 },
    );
  const artifact = read.body;
  const tree = artifact.metadata?.tree ?? ref.tree ?? '';
  const sourceUri = formatStoreUri({ kind: 'models', project: ref.project, key: ref.key, iter: 0, tree });
  const targetRef = { project: target.project, key: ref.key, tree };
  const storeUri = formatStoreUri({ kind: 'models', ...targetRef, iter: 0 });
  const tag = validTag(input.version);
  const refs = { sourceUri, storeUri, environment: target.name };
  const expected = input.manifestDigest ?? artifact.metadata?.labels?.['modelship/manifest-digest'];
  await ensureProject(target.client, target.project, 'deploy');
  const held = await target.client<StoredArtifact>({
    path: `v2/projects/${target.project}/artifacts/${ref.key}`,
    query: { tree, iter: 0 },
    allow: [404],
    what: `model ${target.project}/${ref.key} in ${target.name}`,
    operation: 'deploy',
  });
  const heldDigest =
    held.status === 404 ? undefined : held.body.metadata?.labels?.['modelship/manifest-digest'];
  if (
    heldDigest &&
    held.body.metadata?.labels?.['modelship/source-uri'] === sourceUri &&
    (!expected || expected === heldDigest)
  ) {
    context.logger.info(`deploy: ${target.name} already holds ${storeUri}`);
    return { ref: targetRef, refs: { ...refs, manifestDigest: heldDigest }, transferred: false };
  }
  const work = await mkdtemp(join(tmpdir(), 'modelship-iguazio-carry-'));
  try {
    const exportTag = resolved.settings.tagNames?.challenger ?? 'challenger';
    const document = {
      kind: artifact.kind,
      metadata: artifact.metadata,
      spec: artifact.spec,
      status: artifact.status ?? {},
    };
    await mkdir(join(work, 'artifacts'), { recursive: true });
    await writeFile(join(work, 'artifacts', `${ref.key}:${exportTag}.yaml`), stringify(document));
    const model = join(work, 'model');
    await mkdir(model);
    const manifest = await fetchFiles(resolved, input, artifact, model, context);
    const digest = `${manifest.digest.algorithm}:${manifest.digest.value}`;
    if (expected && expected !== digest)
      throw integrity(
        `deploy: ${sourceUri} in ${source.name} hashes to ${digest} but the version records ${expected}; the model changed since it was registered`,
      );
    const base = targetBase(resolved, target, ref.key, tree);
    for (const [index, file] of manifest.files.entries()) {
      throwIfAborted(context.signal, 'deploy');
      const body = await readFile(join(model, file.path));
      await writeStored(resolved, target, base, file.path, body, context, 'deploy');
      context.progress({
        task: `import into ${target.name}`,
        done: index + 1,
        total: manifest.files.length,
        unit: 'files',
      });
    }
    // Last, so a crash mid-copy leaves no manifest claiming files that are not there.
    await writeStored(
      resolved,
      target,
      base,
      manifestName,
      await readFile(join(model, manifestName)),
      context,
      'deploy',
    );
    await verifyArrival(
      resolved,
      target,
      base,
      join(model, manifestName),
      manifest,
      join(work, 'arrived'),
      context,
    );
    const metadata = artifact.metadata ?? {};
    await target.client({
      method: 'PUT',
      path: `v2/projects/${target.project}/artifacts/${ref.key}`,
      query: { tree, iter: 0, ...(tag ? { tag } : {}) },
      json: {
        ...document,
        metadata: {
          ...metadata,
          project: target.project,
          tree,
          iter: 0,
          tag: undefined,
          uid: undefined,
          labels: {
            ...metadata.labels,
            'modelship/manifest-digest': digest,
            'modelship/source-uri': sourceUri,
            'modelship/source-environment': source.name,
          },
        },
        spec: {
          ...artifact.spec,
          target_path: base,
          extra_data: { ...artifact.spec?.extra_data, [manifestName]: manifestName },
        },
      },
      what: `model ${target.project}/${ref.key} in ${target.name}`,
      operation: 'deploy',
    });
    context.logger.info(
      `deploy: carried ${sourceUri} (${source.name}) → ${storeUri} (${target.name}), ${manifest.files.length} files verified on arrival`,
    );
    return { ref: targetRef, refs: { ...refs, manifestDigest: digest }, transferred: true };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function validTag(version: string): string | undefined {
  try {
    validateStoreUri({ kind: 'models', project: 'p', key: 'k', tag: version });
    return version;
  } catch {
    return undefined;
  }
}
