export { aggregateAlgorithmFor, aggregateDigest } from './aggregate.js';
export {
  type FromAlgorithmiaOptions,
  fromAlgorithmiaManifest,
  fromAlgorithmiaTime,
  type ToAlgorithmiaOptions,
  toAlgorithmiaManifest,
  toAlgorithmiaTime,
} from './algorithmia.js';
export { type CreatedManifest, type CreateManifestOptions, createManifest } from './create.js';
export { describeIssue, type ManifestErrorOptions } from './errors.js';
export type { HashFilesOptions, HashProgress } from './hash.js';
export { type InTotoStatement, toInTotoStatement } from './intoto.js';
export { formatManifest, writeManifest } from './manifest-io.js';
export { type CreatedOmsBundle, type CreateOmsBundleOptions, createOmsBundle } from './oms-sign.js';
export { unsafePathReason } from './paths.js';
export { type CaptureProvenanceOptions, captureProvenance, repositoryFromRemote } from './provenance.js';
export {
  type AggregateDigest,
  aggregateDigestSchema,
  algorithmiaManifestSchema,
  type Manifest,
  type ManifestFile,
  type ManifestSignature,
  manifestFileSchema,
  manifestJsonSchemas,
  manifestSchema,
  modelshipManifestSchema,
  type Provenance,
  type ProvenanceSource,
  provenanceSchema,
  provenanceSourceSchema,
  signatureSchema,
} from './schemas.js';
export { signingPayload, signManifest } from './signature.js';
export * from './verify.js';
