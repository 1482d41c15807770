export { mapPachctlFailure } from './errors.js';
export { JsonObjectSplitter, parseJsonStream, readJsonStream } from './json-stream.js';
export { type Lineage, type LineageCommit, lineageRefs } from './lineage.js';
export { createPachydermProvider, type PachydermProvider, pachydermCapabilities } from './provider.js';
export * from './schemas.js';
export type { ImageCommand, PachydermProviderSettings } from './settings.js';
export { inputRepos, orderByInputs, retag } from './specs.js';
export { mapJobState, mapPipelineState, terminalJobStates } from './status.js';
