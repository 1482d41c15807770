import { z } from 'zod';
import { algorithmiaManifestFileName, modelshipManifestFileName, modelshipSchemaId } from './constants.js';
import { unsafePathReason } from './paths.js';

// The zod schemas are the documented contract (exported, and turned into JSON Schema files under
// schema/). The light `verify` entry validates with the hand-written twin in validate.ts, which the
// test suite keeps in agreement with these on every shared vector.

const md5Hex = z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex digits');
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

export { algorithmiaManifestFileName, modelshipManifestFileName, modelshipSchemaId };

export const manifestFileSchema = z
  .looseObject({
    path: z
      .string()
      .min(1)
      .refine((path) => unsafePathReason(path) === null, 'must be relative and stay inside the model root')
      .describe('POSIX path relative to the model root; no "..", not absolute'),
    size: z.number().int().nonnegative().describe('size in bytes'),
    md5: md5Hex.optional(),
    sha256: sha256Hex.optional(),
    shards: z
      .looseObject({
        size: z.number().int().positive().describe('bytes per shard; the last shard is shorter'),
        sha256: z.array(sha256Hex).min(1).describe('SHA-256 of bytes [i*size, min((i+1)*size, file size))'),
      })
      .optional()
      .describe('sharded SHA-256 digests, so one large file is verified on every core'),
  })
  .refine((file) => file.md5 !== undefined || file.sha256 !== undefined, {
    message: 'a file entry needs at least one digest',
    path: ['sha256'],
  })
  .refine(
    (file) =>
      file.shards === undefined ||
      file.shards.sha256.length === Math.max(1, Math.ceil(file.size / file.shards.size)),
    { message: 'shards.sha256 must hold one digest per shards.size bytes of the file', path: ['shards'] },
  )
  .describe('One file of the model; at least one of md5 and sha256 is present');
export type ManifestFile = z.infer<typeof manifestFileSchema>;

export const provenanceSourceSchema = z.enum(['github-actions', 'git', 'unknown']);
export type ProvenanceSource = z.infer<typeof provenanceSourceSchema>;

export const provenanceSchema = z.looseObject({
  source: provenanceSourceSchema.describe('where the values below were read from'),
  repository: z.string().nullable().describe('owner/name (GITHUB_REPOSITORY) or the git remote URL'),
  ref: z.string().nullable().describe('e.g. refs/heads/main (GITHUB_REF)'),
  commit: z.string().nullable().describe('full commit SHA (GITHUB_SHA)'),
  commitMessage: z.string().nullable().describe('head commit message'),
  workflow: z.string().nullable().describe('GITHUB_WORKFLOW_REF, else GITHUB_WORKFLOW'),
  runId: z.string().nullable(),
  runAttempt: z.string().nullable(),
  actor: z.string().nullable(),
  uploadedAt: z.iso.datetime().describe('ISO-8601 UTC, e.g. 2026-11-23T17:09:14.123Z'),
});
export type Provenance = z.infer<typeof provenanceSchema>;

export const aggregateDigestSchema = z
  .looseObject({
    algorithm: z.enum(['md5', 'sha256']),
    value: z.string().regex(/^[0-9a-f]+$/),
  })
  .describe('hash of the lines "<hex>  <path>\\n" of every file, sorted by the UTF-8 bytes of path');
export type AggregateDigest = z.infer<typeof aggregateDigestSchema>;

export const signatureSchema = z.looseObject({
  algorithm: z.literal('ed25519'),
  publicKey: z.string().describe('base64 of the raw 32-byte ed25519 public key'),
  value: z.string().describe('base64 of the 64-byte signature over the canonical JSON without "signature"'),
});
export type ManifestSignature = z.infer<typeof signatureSchema>;

export const modelshipManifestSchema = z.looseObject({
  schema: z.literal(modelshipSchemaId),
  name: z.string().min(1),
  version: z.string().min(1),
  files: z
    .array(manifestFileSchema)
    .min(1)
    .refine((files) => new Set(files.map((file) => file.path)).size === files.length, 'paths must be unique'),
  digest: aggregateDigestSchema,
  provenance: provenanceSchema,
  storage: z.looseObject({ uri: z.string().min(1) }).optional(),
  signature: signatureSchema.optional(),
});
export type ModelshipManifest = z.infer<typeof modelshipManifestSchema>;

export const algorithmiaManifestSchema = z.looseObject({
  model_filepath: z.string().describe('Algorithmia data path without "data://"'),
  model_md5_hash: md5Hex,
  model_origin_commit_SHA: z.string(),
  model_origin_commit_msg: z.string().nullable(),
  model_origin_repo: z.string().describe('owner/name'),
  model_origin_ref: z.string().describe('e.g. refs/heads/master'),
  model_uploaded_utc: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/, 'must be "%Y-%m-%d %H:%M:%S.%f" (UTC)'),
});
export type AlgorithmiaManifest = z.infer<typeof algorithmiaManifestSchema>;

export const manifestSchema = z.union([modelshipManifestSchema, algorithmiaManifestSchema]);
export type Manifest = z.infer<typeof manifestSchema>;

export type ManifestFormat = 'modelship' | 'algorithmia';

/** JSON Schema (draft 2020-12) of both formats, as shipped in this package's schema/ folder. */
export function manifestJsonSchemas(): Record<ManifestFormat, Record<string, unknown>> {
  return {
    modelship: {
      title: `modelship manifest (${modelshipManifestFileName}, ${modelshipSchemaId})`,
      ...z.toJSONSchema(modelshipManifestSchema, { io: 'input' }),
    },
    algorithmia: {
      title: `Algorithmia ${algorithmiaManifestFileName} (Deploy to Algorithmia GitHub Action 1.x)`,
      ...z.toJSONSchema(algorithmiaManifestSchema, { io: 'input' }),
    },
  };
}
