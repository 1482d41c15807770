import { DigestCache } from './cache.js';
import { type IntegrityIssue, ManifestErrorCode, ModelIntegrityError } from './errors.js';
import { inspectFiles, unreadable } from './inspect-files.js';
import { prepareVerification, type VerifyModelOptions, type VerifyReport } from './prepare.js';
import { compareDigests, type HashedFile, hashCheckedFiles } from './verify-hash.js';

export {
  extraFiles,
  type PreparedVerification,
  prepareVerification,
  type VerifiedFile,
  type VerifyFormat,
  type VerifyModelOptions,
  type VerifyReport,
} from './prepare.js';

/**
 * Verifies a model against its manifest: signature first, then sizes, then digests (one read
 * pass per file, in parallel). Resolves a report, or throws ModelIntegrityError listing every
 * mismatched, missing or (strict) extra file with expected and actual values.
 */
export async function verifyModel(options: VerifyModelOptions): Promise<VerifyReport> {
  const prepared = await prepareVerification(options);
  const { expected, algorithms, root } = prepared;
  const issues: IntegrityIssue[] = [];
  const cache = options.cache ? await DigestCache.open(options.cache) : undefined;
  const inspections = await inspectFiles(expected, {
    root,
    realRoot: prepared.realRoot,
    cache,
    algorithms,
  });
  const toHash: number[] = [];
  const sizes: number[] = [];
  const results: (HashedFile | undefined)[] = new Array(expected.length);
  for (const [index, inspection] of inspections.entries()) {
    const file = expected[index]!;
    if (inspection.kind === 'missing') issues.push({ code: ManifestErrorCode.FILE_MISSING, path: file.path });
    else if (inspection.kind === 'size-mismatch') {
      issues.push({
        code: ManifestErrorCode.SIZE_MISMATCH,
        path: file.path,
        expected: file.size,
        actual: inspection.size,
      });
    } else if (inspection.kind === 'cached' && !file.shards) results[index] = inspection.digests;
    else {
      toHash.push(index);
      sizes.push(inspection.kind === 'cached' ? inspection.digests.size : inspection.size);
    }
  }
  const hashed = await hashCheckedFiles(
    prepared,
    issues,
    toHash,
    sizes,
    (index) => expected[index]!.absolutePath,
    options,
    (error) => unreadable((error as { path?: string }).path ?? root, error),
  );
  for (const index of toHash) {
    const digests = hashed.get(index)!;
    results[index] = digests;
    const inspection = inspections[index]!;
    if (cache && inspection.kind === 'hash' && inspection.cacheKey && !digests.shards)
      cache.set(inspection.cacheKey, digests);
  }

  const files = compareDigests(prepared, results, (index) => inspections[index]!.kind === 'cached', issues);
  await cache?.save();
  if (issues.length > 0) throw new ModelIntegrityError(issues);
  const bytesHashed = sizes.reduce((sum, size) => sum + size, 0);
  return {
    ok: true,
    format: prepared.format,
    manifestPath: prepared.manifestPath,
    root,
    files,
    signature: prepared.signature,
    ...(prepared.signer ? { signer: prepared.signer } : {}),
    bytesHashed,
  };
}

/**
 * The one-line runtime check for inference code: resolves the report when the model matches its
 * manifest, throws ModelIntegrityError otherwise.
 *   await assertModel('model/modelship.manifest.json')
 */
export async function assertModel(
  manifest: string | VerifyModelOptions,
  options: Omit<VerifyModelOptions, 'manifest'> = {},
): Promise<VerifyReport> {
  return verifyModel(typeof manifest === 'string' ? { ...options, manifest } : { ...options, ...manifest });
}
