// @modelship/core/provider-kit: the mechanics every provider shares, so a provider writes only
// what is specific to its platform. See "Writing a provider" in the core README.
export { capabilitiesExcept } from './capabilities.js';
export { type ProviderFetchOptions, providerFetch, safeUrl } from './fetch.js';
export { delay, nextInterval, type PollOptions, type PollResult, pollUntil } from './poll.js';
export { formatS3Uri, joinS3Key, parseS3Uri, type S3Location } from './s3-uri.js';
export {
  coerceSetting,
  kebabCase,
  parseSettings,
  type ResolvedSettingValues,
  resolveSettings,
  resolveSettingValues,
  type SettingSources,
  secretValues,
  settingFlagName,
} from './settings.js';
export {
  assertDigestLabel,
  digestLabel,
  type ModelFile,
  manifestFileName,
  type StampedModel,
  type UploadTarget,
  type UploadWithManifestOptions,
  uploadWithManifest,
} from './upload.js';
