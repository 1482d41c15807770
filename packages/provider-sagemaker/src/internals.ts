// Internals for the repository's own benchmark (bench/s3-upload.mjs) and tests: not part of the
// provider's contract, and free to change between versions.
export {
  MD5_METADATA,
  type MultipartDigests,
  type PutFileOptions,
  type PutFileResult,
  putFile,
  SHA256_METADATA,
} from './s3-object.js';
