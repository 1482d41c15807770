export type { AliasBoard } from './aliases.js';
export type { DeploymentRecord } from './deployments.js';
export { type LinearModel, linearPredictor } from './predictor.js';
export {
  createLocalProvider,
  type LocalProvider,
  type LocalProviderSettings,
  localCapabilities,
} from './provider.js';
export {
  type InferenceHealth,
  type InferenceServer,
  type InferenceServerOptions,
  startInferenceServer,
} from './server.js';
export { digestLabel } from './store.js';
export type { LocalTrainCommand } from './train.js';
