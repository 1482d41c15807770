export { endpointNameFor } from './deploy.js';
export { type AwsErrorShape, errorCodeForAws, mapAwsError } from './errors.js';
export { flattenMetrics } from './evaluation.js';
export { createSageMakerProvider, type SageMakerProvider } from './provider.js';
export { latestApprovedPackage } from './registry.js';
export {
  MD5_METADATA,
  type MultipartDigests,
  type PutFileOptions,
  type PutFileResult,
  putFile,
  SHA256_METADATA,
} from './s3-object.js';
export { formatS3Uri, parseS3Uri, type S3Location } from './s3-uri.js';
export type { SageMakerCredentials, SageMakerProviderSettings } from './settings.js';
export {
  mapEndpointStatus,
  mapModelApprovalStatus,
  mapPipelineExecutionStatus,
  mapTrainingJobStatus,
} from './status.js';
