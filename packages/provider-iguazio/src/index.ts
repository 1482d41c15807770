export { detailOf, errorCodeForStatus, mlrunError } from './errors.js';
export type { ExportInput, ExportResult } from './export.js';
export { settingFlags } from './flags.js';
export { createIguazioProvider, type IguazioProvider } from './provider.js';
export {
  type IguazioEnvironment,
  type IguazioProviderSettings,
  type IguazioStageSettings,
  settingsSchema,
} from './settings.js';
