export type { AlgorithmBuild, AlgorithmVersion } from './api.js';
export type { AlgorithmiaDataClient } from './data-api.js';
export { algorithmiaError, errorCodeForStatus } from './errors.js';
export { cellErrorFrom } from './notebook.js';
export {
  type AlgorithmiaProvider,
  algorithmiaCapabilities,
  createAlgorithmiaProvider,
  type PublishInput,
  uploadFileName,
} from './provider.js';
export { outputsMatch } from './release.js';
export {
  type AlgorithmiaProviderSettings,
  type AlgorithmRepoSettings,
  type AlgorithmTestCase,
  type NotebookSettings,
  repoKind,
} from './settings.js';
export { mapBuildStatus } from './status.js';
