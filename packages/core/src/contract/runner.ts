import type { Logger } from './logger.js';
import type { Redactor } from './redact.js';

export interface RunOptions {
  cwd?: string;
  /** Added to the inherited environment. Values here are never printed. */
  env?: Record<string, string | undefined>;
  /** Written to the command's stdin (how secrets reach a command without appearing in argv). */
  input?: string | Uint8Array;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Extra secrets to redact from the printed command line and streamed output. */
  secrets?: readonly string[];
  /** Stream output lines to the logger as they arrive (default true). */
  stream?: boolean;
}

export interface CommandResult {
  /** The command line as shown to users, secrets redacted. */
  command: string;
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  failed: boolean;
  timedOut: boolean;
  aborted: boolean;
}

/** Runs a program without a shell. Never rejects on a non-zero exit: check `failed`. */
export type CommandRunner = (
  command: string,
  args: readonly string[],
  options?: RunOptions,
) => Promise<CommandResult>;

export interface CommandRunnerOptions {
  logger: Logger;
  redact: Redactor;
  signal?: AbortSignal;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function formatCommandLine(command: string, args: readonly string[]): string {
  return [command, ...args].map(quote).join(' ');
}

/** The default runner: execa with `reject: false`, live output to the logger, abort and redaction. */
export function createCommandRunner(defaults: CommandRunnerOptions): CommandRunner {
  return async (command, args, options = {}) => {
    const { execa } = await import('execa');
    const redact = defaults.redact;
    for (const secret of options.secrets ?? []) redact.add(secret);
    const printable = redact(formatCommandLine(command, args));
    const signals = [defaults.signal, options.signal].filter((s): s is AbortSignal => s !== undefined);
    const cancelSignal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    defaults.logger.debug(`$ ${printable}`);

    const child = execa(command, args, {
      reject: false,
      cwd: options.cwd,
      env: options.env,
      extendEnv: true,
      input: options.input,
      cancelSignal,
      timeout: options.timeoutMs,
      forceKillAfterDelay: 5_000,
      stripFinalNewline: true,
      lines: false,
      encoding: 'utf8',
    });

    if (options.stream !== false) {
      const forward = (level: 'info' | 'warn') => (chunk: Buffer | string) => {
        for (const line of String(chunk).split(/\r?\n/)) if (line) defaults.logger[level](redact(line));
      };
      child.stdout?.on('data', forward('info'));
      child.stderr?.on('data', forward('warn'));
    }

    const result = await child;
    return {
      command: printable,
      exitCode: result.exitCode,
      stdout: String(result.stdout ?? ''),
      // Callers quote the stderr tail in errors shown to users (CommandFailedError), so it is redacted
      // here once; stdout stays raw because callers parse it.
      stderr: redact(String(result.stderr ?? '')),
      failed: result.failed,
      timedOut: result.timedOut,
      aborted: result.isCanceled,
    };
  };
}
