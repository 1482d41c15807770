import {
  createConsoleLogger,
  type Logger,
  type ProgressReporter,
  redactingLogger,
  silentProgress,
} from './logger.js';
import type { ProviderContext } from './provider.js';
import { createRedactor, type Redactor } from './redact.js';
import { type CommandRunner, createCommandRunner } from './runner.js';

export interface ProviderContextOptions {
  signal?: AbortSignal;
  logger?: Logger;
  progress?: ProgressReporter;
  /** Secrets known up front (API keys, tokens); providers add the ones they resolve later. */
  secrets?: Iterable<string | undefined>;
  redact?: Redactor;
  run?: CommandRunner;
  now?: () => Date;
}

/** Builds a context with sensible defaults; the logger given is wrapped so nothing it prints leaks a secret. */
export function createProviderContext(options: ProviderContextOptions = {}): ProviderContext {
  const redact = options.redact ?? createRedactor(options.secrets ?? []);
  if (options.redact) for (const secret of options.secrets ?? []) redact.add(secret);
  const logger = redactingLogger(options.logger ?? createConsoleLogger({ level: 'info' }), redact);
  const signal = options.signal ?? new AbortController().signal;
  return {
    signal,
    logger,
    progress: options.progress ?? silentProgress,
    redact,
    run: options.run ?? createCommandRunner({ logger, redact, signal }),
    now: options.now ?? (() => new Date()),
  };
}
