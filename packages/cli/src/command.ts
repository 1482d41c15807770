import type { ParsedCommand } from './args.js';
import type { CliIo } from './io.js';

/** What a command hands back; `main` prints it (text or JSON) and forwards it to GitHub Actions. */
export interface CommandOutcome {
  exitCode: number;
  /** The --json document. */
  json: unknown;
  /** The human-readable output. */
  text: string;
  /** GitHub Actions step outputs (`version`, `stage`, `status`, `manifest-digest`, `ref-*`). */
  outputs?: Record<string, string | undefined>;
  /** Markdown for $GITHUB_STEP_SUMMARY. */
  summary?: string;
  /** Why the command did not succeed (annotated as ::error:: in GitHub Actions). */
  failure?: string;
}

export type CommandRunner = (command: ParsedCommand, io: CliIo) => Promise<CommandOutcome>;
