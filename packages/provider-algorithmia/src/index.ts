export type { AlgorithmBuild, AlgorithmiaDataClient, AlgorithmVersion } from './client.js';
export type { PublishInput } from './deploy.js';
export { algorithmiaError } from './errors.js';
export { settingFlags } from './flags.js';
export { type AlgorithmiaProvider, algorithmiaCapabilities, createAlgorithmiaProvider } from './provider.js';
export {
  type AlgorithmiaInjectables,
  type AlgorithmiaProviderSettings,
  type AlgorithmTestCase,
  settingsSchema,
} from './settings.js';
