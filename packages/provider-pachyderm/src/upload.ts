// upload: one Pachyderm commit holding the model (or data) files, and the modelship manifest
// in a repo of its own (`modelship_manifests@master:/<repo>/<commit>/modelship.manifest.json`).
// The manifest must stay out of the data repo: a pipeline with glob "/*" makes every top-level
// entry a datum, so a manifest beside the data would be fed to the user's code. A repo no pipeline
// reads is outside every datum space whatever the globs (checked against the pipeline specs), works
// on every pachctl 2.x and has no size limit (commit metadata would need ≥ 2.10 and travel on argv).
// start commit → put file… → manifest commit → finish commit: finishing is what triggers pipelines,
// so a half-written commit is never seen by them; a failed upload deletes its open commits.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  ErrorCode,
  InvalidInputError,
  ModelshipError,
  type ProviderContext,
  throwIfAborted,
  type UploadInput,
  type UploadResult,
} from '@modelship/core';
import type { Pachctl } from './client.js';
import { type CommitInfo, commitInfoSchema } from './schemas.js';

const manifestName = 'modelship.manifest.json';
const marker = 'modelship-upload';

export interface UploadTarget {
  repo: string;
  branch: string;
  /** The repo holding manifests; no pipeline may read it. */
  manifestRepo: string;
}

/** Where the manifest of `repo@commit` is kept: a file picker for `pachctl get file`. */
export function manifestPicker(target: UploadTarget, commit: string): string {
  return `${target.manifestRepo}@master:/${target.repo}/${commit}/${manifestName}`;
}

async function headOf(pachctl: Pachctl, repo: string, branch: string): Promise<CommitInfo | undefined> {
  try {
    return await pachctl.read(['inspect', 'commit', `${repo}@${branch}`], commitInfoSchema, 'upload');
  } catch (error) {
    if (ModelshipError.hasCode(error, ErrorCode.NotFound) || /no head/i.test(String(error))) return undefined;
    throw error;
  }
}

async function ensureRepo(pachctl: Pachctl, repo: string): Promise<void> {
  try {
    await pachctl.run(['inspect', 'repo', repo, '--raw', '-o', 'json'], 'upload');
  } catch (error) {
    if (!ModelshipError.hasCode(error, ErrorCode.NotFound)) throw error;
    await pachctl.run(['create', 'repo', repo], 'upload').catch((created: unknown) => {
      if (!ModelshipError.hasCode(created, ErrorCode.Conflict)) throw created;
    });
  }
}

/** An earlier upload that died between start and finish left an open commit that would block this one. */
async function clearInterrupted(pachctl: Pachctl, repo: string, branch: string, context: ProviderContext) {
  const head = await headOf(pachctl, repo, branch);
  if (!head || head.finished || !head.description?.startsWith(marker)) return head;
  context.logger.warn(
    `upload: deleting unfinished upload commit ${repo}@${head.commit.id} left by an interrupted run`,
  );
  await pachctl.run(['delete', 'commit', head.commit.id], 'upload');
  return undefined;
}

async function putManifest(
  pachctl: Pachctl,
  target: UploadTarget,
  commit: string,
  file: string,
): Promise<void> {
  const id = (
    await pachctl.run(
      [
        'start',
        'commit',
        `${target.manifestRepo}@master`,
        '--description',
        `${marker} manifest of ${target.repo}@${commit}`,
      ],
      'upload (manifest)',
    )
  ).trim();
  const picker = `${target.manifestRepo}@master=${id}`;
  try {
    await pachctl.run(
      ['put', 'file', `${picker}:/${target.repo}/${commit}/${manifestName}`, '-f', file, '--progress=false'],
      'upload (manifest)',
    );
    await pachctl.run(['finish', 'commit', picker], 'upload (manifest)');
  } catch (error) {
    await pachctl.run(['delete', 'commit', id], 'upload (cleanup)').catch(() => undefined);
    throw error;
  }
}

export async function uploadCommit(
  pachctl: Pachctl,
  target: UploadTarget,
  input: UploadInput,
  context: ProviderContext,
): Promise<UploadResult> {
  const { repo, branch } = target;
  throwIfAborted(context.signal, 'upload');
  const info = await stat(input.path).catch(() => undefined);
  if (!info)
    throw new InvalidInputError(
      `upload: ${input.path} does not exist; pass a model or data file or directory`,
    );
  const { createManifest, formatManifest } = await import('@modelship/manifest');
  const { manifest } = await createManifest({
    path: input.path,
    name: input.model.name,
    version: input.model.version,
  });
  const digest = `${manifest.digest.algorithm}:${manifest.digest.value}`;
  if (input.manifestDigest && input.manifestDigest !== digest) {
    throw new ModelshipError(
      ErrorCode.Integrity,
      `upload: ${input.path} hashes to ${digest} but the caller stamped ${input.manifestDigest}; the files changed after the manifest was made — re-create it`,
      { details: { expected: input.manifestDigest, actual: digest } },
    );
  }
  const description = `${marker} model=${input.model.name} digest=${digest}`;
  const refsFor = (commit: string) => ({
    repo,
    branch,
    commit,
    manifestDigest: digest,
    manifest: manifestPicker(target, commit),
  });

  await ensureRepo(pachctl, repo);
  await ensureRepo(pachctl, target.manifestRepo);
  await clearInterrupted(pachctl, target.manifestRepo, 'master', context);
  const head = await clearInterrupted(pachctl, repo, branch, context);
  if (head?.finished && head.description === description) {
    context.logger.info(`upload: ${repo}@${branch} already holds ${digest} (commit ${head.commit.id})`);
    return {
      uri: `${repo}@${head.commit.id}`,
      refs: refsFor(head.commit.id),
      skipped: true,
      manifestDigest: digest,
      warnings: [],
    };
  }

  const commit = (
    await pachctl.run(['start', 'commit', `${repo}@${branch}`, '--description', description], 'upload')
  ).trim();
  if (!/^[0-9a-f]{32}$/.test(commit))
    throw new TypeError(`upload: pachctl start commit printed "${commit}", not a commit id`);
  const open = `${repo}@${branch}=${commit}`;
  const scratch = await mkdtemp(join(tmpdir(), 'modelship-pachyderm-'));
  try {
    if (info.isDirectory()) {
      await pachctl.run(['put', 'file', '-r', `${open}:/`, '-f', input.path, '--progress=false'], 'upload');
    } else {
      await pachctl.run(
        ['put', 'file', `${open}:/${basename(input.path)}`, '-f', input.path, '--progress=false'],
        'upload',
      );
    }
    const manifestFile = join(scratch, manifestName);
    await writeFile(manifestFile, formatManifest(manifest));
    throwIfAborted(context.signal, 'upload');
    // Before finishing: once the data commit finishes, pipelines run and lineage readers look for it.
    await putManifest(pachctl, target, commit, manifestFile);
    await pachctl.run(['finish', 'commit', open], 'upload');
  } catch (error) {
    await pachctl
      .run(['delete', 'commit', commit], 'upload (cleanup)')
      .catch((cleanup: unknown) =>
        context.logger.warn(`upload: could not delete the unfinished commit ${commit}: ${String(cleanup)}`),
      );
    throw error;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  context.logger.info(`upload: committed ${input.path} to ${repo}@${commit}`);
  return {
    uri: `${repo}@${commit}`,
    refs: refsFor(commit),
    skipped: false,
    manifestDigest: digest,
    warnings: [],
  };
}
