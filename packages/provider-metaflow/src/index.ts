export type { MetaflowRun, SelectInput, SelectResult } from './client.js';
export { mapS3Error, tagServiceError } from './errors.js';
export { settingFlags } from './flags.js';
export { createMetaflowProvider, type MetaflowProvider, metaflowCapabilities } from './provider.js';
export { type MetaflowProviderSettings, settingsSchema } from './settings.js';
export type { ReplaceTagsInput } from './tag.js';
export type { MetaflowTrainOptions } from './train.js';
