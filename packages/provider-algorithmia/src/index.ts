export type { AlgorithmBuild, AlgorithmiaDataClient, AlgorithmVersion } from './client.js';
export type { PublishInput } from './deploy.js';
export { algorithmiaError } from './errors.js';
export { type AlgorithmiaProvider, algorithmiaCapabilities, createAlgorithmiaProvider } from './provider.js';
export type {
  AlgorithmiaProviderSettings,
  AlgorithmRepoSettings,
  AlgorithmTestCase,
  NotebookSettings,
} from './settings.js';
