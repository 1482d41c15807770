import type { DigestAlgorithm } from './algorithms.js';
import { type IntegrityIssue, ManifestErrorCode } from './errors.js';
import { type FileDigests, type HashFilesOptions, type HashJob, hashFiles } from './hash.js';
import { extraFiles, type PreparedVerification, type VerifiedFile } from './prepare.js';

/** A file's digests; `shards` holds the SHA-256 of each of its expected byte ranges, in order. */
export interface HashedFile extends FileDigests {
  shards?: string[];
}

/** A sharded file's SHA-256 is checked shard by shard (in parallel); other digests on the whole file. */
function planOf(prepared: PreparedVerification, index: number) {
  const file = prepared.expected[index]!;
  const algorithms = prepared.algorithms[index]!;
  const shards = file.shards !== undefined && algorithms.includes('sha256') ? file.shards : undefined;
  return { whole: shards ? algorithms.filter((name) => name !== 'sha256') : algorithms, shards };
}

/**
 * The common last step of checking a model's files once their presence and sizes are known: strict
 * mode's extra files join `issues`, `onStart` hears the bytes to hash, then the files are hashed; a
 * read that fails is reported as `onReadError` makes it.
 */
export async function hashCheckedFiles(
  prepared: PreparedVerification,
  issues: IntegrityIssue[],
  indices: readonly number[],
  sizes: readonly number[],
  sourceOf: (index: number) => string | number,
  options: HashFilesOptions & { onStart?: (totalBytes: number) => void },
  onReadError: (error: unknown) => Error,
): Promise<Map<number, HashedFile>> {
  issues.push(...(await extraFiles(prepared)));
  options.onStart?.(sizes.reduce((sum, size) => sum + size, 0));
  try {
    return await hashPlanned(prepared, indices, sizes, sourceOf, options);
  } catch (error) {
    throw onReadError(error);
  }
}

/**
 * Hashes the files `indices` (each read from `sourceOf(index)`: a path or an open descriptor) as
 * the manifest needs: whole-file digests and shard digests, all spread over the worker pool.
 */
export async function hashPlanned(
  prepared: PreparedVerification,
  indices: readonly number[],
  sizes: readonly number[],
  sourceOf: (index: number) => string | number,
  options: HashFilesOptions,
): Promise<Map<number, HashedFile>> {
  const whole = { jobs: [] as HashJob[], owners: [] as number[], sizes: [] as number[] };
  const sharded = { jobs: [] as HashJob[], owners: [] as number[], sizes: [] as number[] };
  const union = new Set<DigestAlgorithm>();
  indices.forEach((index, i) => {
    const plan = planOf(prepared, index);
    const source = sourceOf(index);
    if (plan.whole.length > 0) {
      whole.jobs.push({ source });
      whole.owners.push(index);
      whole.sizes.push(sizes[i]!);
      for (const name of plan.whole) union.add(name);
    }
    for (const shard of plan.shards ?? []) {
      sharded.jobs.push({ source, start: shard.start, end: shard.end });
      sharded.owners.push(index);
      sharded.sizes.push(shard.end - shard.start);
    }
  });
  const [wholeDigests, shardDigests] = await Promise.all([
    whole.jobs.length > 0
      ? hashFiles(whole.jobs, [...union].sort(), { ...options, sizes: whole.sizes })
      : Promise.resolve([]),
    sharded.jobs.length > 0
      ? hashFiles(sharded.jobs, ['sha256'], { ...options, sizes: sharded.sizes })
      : Promise.resolve([]),
  ]);
  const results = new Map<number, HashedFile>();
  const wholeOwners = new Set(whole.owners);
  whole.owners.forEach((index, i) => {
    results.set(index, { ...wholeDigests[i]! });
  });
  sharded.owners.forEach((index, i) => {
    const shard = shardDigests[i]!;
    let result = results.get(index);
    if (!result) {
      result = { size: 0 };
      results.set(index, result);
    }
    if (!wholeOwners.has(index)) result.size += shard.size;
    result.shards ??= [];
    result.shards.push(shard.sha256!);
  });
  return results;
}

/** Compares hashed digests with the manifest; `results[i]` undefined means file i was not hashed. */
export function compareDigests(
  prepared: PreparedVerification,
  results: readonly (HashedFile | undefined)[],
  fromCache: (index: number) => boolean,
  issues: IntegrityIssue[],
): VerifiedFile[] {
  const files: VerifiedFile[] = [];
  for (const [index, file] of prepared.expected.entries()) {
    const actual = results[index];
    if (!actual) continue;
    const plan = planOf(prepared, index);
    for (const name of plan.whole) {
      if (actual[name] !== file[name]) {
        issues.push({
          code: ManifestErrorCode.DIGEST_MISMATCH,
          path: file.path,
          algorithm: name,
          expected: file[name],
          actual: actual[name],
        });
      }
    }
    plan.shards?.forEach((shard, i) => {
      const digest = actual.shards?.[i];
      if (digest !== shard.sha256) {
        issues.push({
          code: ManifestErrorCode.DIGEST_MISMATCH,
          path: file.path,
          algorithm: 'sha256',
          expected: shard.sha256,
          actual: digest,
          shard: { start: shard.start, end: shard.end },
        });
      }
    });
    files.push({
      path: file.path,
      size: actual.size,
      algorithms: prepared.algorithms[index]!,
      ...Object.fromEntries(plan.whole.map((name) => [name, actual[name]])),
      ...(plan.shards ? { shards: plan.shards.length } : {}),
      fromCache: fromCache(index),
    });
  }
  return files;
}
