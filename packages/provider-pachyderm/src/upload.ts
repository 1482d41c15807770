// upload: one Pachyderm commit holding the model (or data) files and the modelship manifest
// beside them: start commit → put file… → finish commit. Finishing is what triggers pipelines,
// so a half-written commit is never seen by them; a failed upload deletes its open commit.
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
import type { Pachctl } from './pachctl.js';
import { type CommitInfo, commitInfoSchema } from './schemas.js';

const manifestName = 'modelship.manifest.json';
const marker = 'modelship-upload';

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

export async function uploadCommit(
  pachctl: Pachctl,
  repo: string,
  branch: string,
  input: UploadInput,
  context: ProviderContext,
): Promise<UploadResult> {
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
  const refsFor = (commit: string) => ({ repo, branch, commit, manifestDigest: digest });

  await ensureRepo(pachctl, repo);
  const head = await headOf(pachctl, repo, branch);
  if (head && !head.finished && head.description?.startsWith(marker)) {
    // An earlier upload died between start and finish: its open commit would block this one.
    context.logger.warn(
      `upload: deleting unfinished upload commit ${repo}@${head.commit.id} left by an interrupted run`,
    );
    await pachctl.run(['delete', 'commit', head.commit.id], 'upload');
  } else if (head?.finished && head.description === description) {
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
  const target = `${repo}@${branch}=${commit}`;
  const scratch = await mkdtemp(join(tmpdir(), 'modelship-pachyderm-'));
  try {
    if (info.isDirectory()) {
      await pachctl.run(['put', 'file', '-r', `${target}:/`, '-f', input.path, '--progress=false'], 'upload');
    } else {
      await pachctl.run(
        ['put', 'file', `${target}:/${basename(input.path)}`, '-f', input.path, '--progress=false'],
        'upload',
      );
    }
    const manifestFile = join(scratch, manifestName);
    await writeFile(manifestFile, formatManifest(manifest));
    await pachctl.run(
      ['put', 'file', `${target}:/${manifestName}`, '-f', manifestFile, '--progress=false'],
      'upload',
    );
    throwIfAborted(context.signal, 'upload');
    await pachctl.run(['finish', 'commit', target], 'upload');
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
