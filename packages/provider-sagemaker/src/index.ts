export { type AwsErrorShape, errorCodeForAws, mapAwsError } from './errors.js';
export { settingFlags } from './flags.js';
export { createSageMakerProvider, type SageMakerProvider, sageMakerCapabilities } from './provider.js';
export {
  type DeploymentSettings,
  type SageMakerCredentials,
  type SageMakerProviderSettings,
  settingsSchema,
} from './settings.js';
