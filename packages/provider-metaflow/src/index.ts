export { modelUriTagPrefix, versionTagPrefix } from './deploy.js';
export {
  createMetaflowProvider,
  type MetaflowProvider,
  metaflowCapabilities,
  metaflowTagFor,
  type ReplaceTagsInput,
} from './provider.js';
export { parseRunPathspec, type RunPathspec } from './run-id.js';
export { type MetaflowRun, metricsOf, type SelectInput, type SelectResult } from './runs.js';
export { defaultStageTags, type MetaflowProviderSettings } from './settings.js';
export { mapRunStatus, type RunFacts } from './status-map.js';
export type { MetaflowTrainOptions } from './train.js';
export { mapS3Error, parseS3Uri } from './upload.js';
