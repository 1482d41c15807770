export {
  argvToOptions,
  type CommandName,
  commands,
  type Invocation,
  keyValues,
  type ParsedCommand,
} from './args.js';
export type { CommandOutcome } from './command.js';
export { configTemplate } from './commands/init.js';
export { describeError, exitCodeFor, exitCodeHelp, exitCodes, UsageError } from './exit-codes.js';
export { escapeCommandData, formatOutput, type GithubActions, githubActions } from './github.js';
export { type CliIo, type CliStream, processIo } from './io.js';
export { main, runCli } from './main.js';
export { createCliProgress } from './progress.js';
export {
  type ImportModule,
  loadProviderCliSpec,
  ProviderCliUnavailableError,
  ProviderNotInstalledError,
  providerNames,
} from './provider-loader.js';
export { runProviderCli, runWrapper } from './wrapper.js';
export { argvToWrapperOptions, type WrapperInvocation, wrapperVerbs } from './wrapper-args.js';

export const packageName = '@modelship/cli';
export * from './json-output.js';
