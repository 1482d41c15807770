import type { Redactor } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface ProgressEvent {
  /** What is progressing, e.g. `upload model.bin` or `wait training job`. */
  task: string;
  done: number;
  total?: number;
  unit?: 'bytes' | 'files' | 'steps' | 'seconds';
  /** Set on the last event of a task. */
  finished?: boolean;
}

export type ProgressReporter = (event: ProgressEvent) => void;

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
export const silentProgress: ProgressReporter = () => {};

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A logger that writes one line per message to stderr, redacting secrets from message and fields. */
export function createConsoleLogger(
  options: { level?: LogLevel; redact?: Redactor; write?: (line: string) => void } = {},
): Logger {
  const threshold = order[options.level ?? 'info'];
  const redact = options.redact ?? ((text: string) => text);
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const emit = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (order[level] < threshold) return;
    const suffix = fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
    write(redact(`${level === 'info' ? '' : `${level}: `}${message}${suffix}`));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** Wraps a logger so that every message and field passes through the redactor first. */
export function redactingLogger(logger: Logger, redact: Redactor): Logger {
  const wrap =
    (fn: Logger[LogLevel]) =>
    (message: string, fields?: LogFields): void =>
      fn(redact(message), fields ? (JSON.parse(redact(JSON.stringify(fields))) as LogFields) : undefined);
  return {
    debug: wrap(logger.debug),
    info: wrap(logger.info),
    warn: wrap(logger.warn),
    error: wrap(logger.error),
  };
}
