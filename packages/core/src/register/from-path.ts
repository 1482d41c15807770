// What `modelship register --path` does, as a library call: the CLI runs this very function, so a
// script that registers a model folder gets the same stored artifact, refs and retry behaviour.
import { join } from 'node:path';
import { createProviderContext } from '../contract/context.js';
import type { ProviderContext, ProviderRefs, ProviderV1, UploadResult } from '../contract/provider.js';
import type { Promoter } from '../promotion/promoter.js';
import type { ModelVersion } from '../state/types.js';
import { readMetricsFile } from './metrics.js';

export interface RegisterFromPathInput {
  promoter: Promoter;
  /**
   * Stores the model (stamping its manifest on the way) so a later deploy finds it; use the one the
   * promoter deploys with. Without one, or one that cannot upload, the path is recorded as it is.
   */
  provider?: ProviderV1;
  /** Logger, progress, redaction and abort signal for the upload (default: a console context). */
  context?: ProviderContext;
  model: string;
  /** The model file or directory on local disk. */
  path: string;
  /** Metric name → number, or the path of a JSON file holding that object (what `--metrics` takes). */
  metrics?: Record<string, number> | string;
  /** Id of the evaluation set the metrics come from (used by the challenger gate). */
  evaluation?: string;
  /** Refs to record besides the upload's own (e.g. a training run's); the upload's win on a clash. */
  refs?: ProviderRefs;
  /** Covers the upload (`<key>:upload`) and the register; default: per CI run and manifest digest. */
  idempotencyKey?: string;
  /** Register a new version even when one with identical content exists. */
  newVersion?: boolean;
  /** Read for the CI run id of the default idempotency key (default: process.env). */
  env?: Record<string, string | undefined>;
}

export interface RegisterFromPathResult {
  version: ModelVersion;
  /** What the provider's upload did; absent when nothing was uploaded. */
  upload?: UploadResult;
}

/**
 * Uploads `path` with the provider (which stamps its manifest), reads the metrics, then registers
 * the stored copy with the upload's refs and manifest digest, so `promote` can deploy it.
 */
export async function registerFromPath(input: RegisterFromPathInput): Promise<RegisterFromPathResult> {
  const metrics =
    typeof input.metrics === 'string' ? await readMetricsFile(input.metrics) : (input.metrics ?? {});
  const env = input.env ?? process.env;
  const provider = input.provider;
  const upload = provider?.capabilities.upload
    ? await provider.upload(
        {
          model: { name: input.model },
          path: input.path,
          ...(input.idempotencyKey ? { idempotencyKey: `${input.idempotencyKey}:upload` } : {}),
        },
        input.context ?? createProviderContext(),
      )
    : undefined;
  const stored = upload?.refs.artifactDir;
  // Core's default CI key is per model and run; a different artifact in the same run is a new version.
  const ciRun = env.MODELSHIP_RUN_ID ?? env.GITHUB_RUN_ID;
  const idempotencyKey =
    input.idempotencyKey ??
    (ciRun && upload?.manifestDigest
      ? `run:${ciRun}:${env.GITHUB_RUN_ATTEMPT ?? '1'}:register:${input.model}:${upload.manifestDigest}`
      : undefined);
  const version = await input.promoter.register({
    model: input.model,
    path: stored ?? input.path,
    ...(stored ? { manifest: join(stored, 'modelship.manifest.json') } : {}),
    ...(upload?.uri ? { artifact: upload.uri } : {}),
    metrics,
    ...(upload?.manifestDigest ? { manifestDigest: upload.manifestDigest } : {}),
    refs: { ...input.refs, ...upload?.refs },
    ...(input.evaluation ? { evaluation: input.evaluation } : {}),
    ...(input.newVersion ? { newVersion: true } : {}),
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });
  return upload ? { version, upload } : { version };
}
