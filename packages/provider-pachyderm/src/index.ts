export { mapPachctlFailure } from './errors.js';
export type { Lineage, LineageCode, LineageCommit } from './lineage.js';
export { createPachydermProvider, type PachydermProvider, pachydermCapabilities } from './provider.js';
export {
  type ImageCommand,
  imageCommandSchema,
  type PachydermProviderSettings,
  type SettingFlag,
  settingsSchema,
} from './settings.js';
