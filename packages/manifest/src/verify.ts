// The light entry point for inference code: node: builtins only, no zod, so importing it adds
// next to nothing to a model server's start-up.
export {
  type DigestAlgorithm,
  digestAlgorithms,
  type VerifyAlgorithm,
  verifyAlgorithms,
} from './algorithms.js';
export { canonicalJson } from './canonical-json.js';
export {
  algorithmiaManifestFileName,
  modelshipManifestFileName,
  modelshipSchemaId,
} from './constants.js';
export {
  type IntegrityIssue,
  type IntegrityIssueCode,
  ManifestError,
  ManifestErrorCode,
  ManifestFormatError,
  ManifestInputError,
  ModelIntegrityError,
} from './errors.js';
export { type FileDigests, hashFile, hashFiles } from './hash.js';
export { type LoadedManifest, readManifest } from './manifest-io.js';
export {
  isOmsBundle,
  type OmsBundle,
  type OmsStatement,
  omsDefaultIgnorePaths,
  omsDefaultShardSize,
  omsPredicateType,
  parseOmsBundle,
  verifyOmsBundle,
} from './oms.js';
export {
  type OpenVerifiedOptions,
  openVerified,
  type VerifiedFileHandle,
  type VerifiedModel,
} from './open-verified.js';
export type { AlgorithmiaManifest, ManifestFormat, ModelshipManifest } from './schemas.js';
export { type KeyInput, type SignatureStatus, verifyManifestSignature } from './signature.js';
export { detectFormat, parseManifestText, parseManifestValue } from './validate.js';
export {
  assertModel,
  type VerifiedFile,
  type VerifyFormat,
  type VerifyModelOptions,
  type VerifyReport,
  verifyModel,
} from './verify-model.js';
