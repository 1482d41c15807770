export * from './cli-spec.js';
export * from './context.js';
export * from './errors.js';
export * from './logger.js';
export * from './provider.js';
export * from './redact.js';
export * from './runner.js';
export * from './status.js';
