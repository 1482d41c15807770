export type { DeploymentRecord } from './deploy.js';
export { settingFlags } from './flags.js';
export { createLocalProvider, type LocalProvider } from './provider.js';
export {
  type LocalProviderSettings,
  type LocalTrainCommand,
  settingsSchema,
} from './settings.js';
export type { AliasBoard } from './tag.js';
