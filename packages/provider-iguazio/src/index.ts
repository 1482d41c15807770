export { type ArtifactRef, artifactRefFrom } from './artifact-ref.js';
export { checkEnvironments } from './environments.js';
export { detailOf, errorCodeForStatus, mlrunError } from './errors.js';
export type { ExportInput, ExportResult } from './export.js';
export {
  createIguazioProvider,
  type IguazioEnvironment,
  type IguazioProvider,
  type IguazioProviderSettings,
  type IguazioStageSettings,
} from './provider.js';
export { mapFunctionState, mapWorkflowState } from './status.js';
export {
  formatStoreUri,
  parseStoreUri,
  type StoreKind,
  type StoreUri,
  storeKindOf,
  storeKinds,
  validateStoreUri,
} from './store-uri.js';
