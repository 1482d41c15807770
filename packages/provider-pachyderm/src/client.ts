import { InvalidInputError, type ProviderContext, ProviderError, throwIfAborted } from '@modelship/core';
import type { z } from 'zod';
import { mapPachctlFailure } from './errors.js';
import { parseJsonStream } from './json-stream.js';

export interface PachctlConnection {
  /** The pachctl executable. */
  command: string;
  /** Sets PACHD_ADDRESS for pachctl (overrides the active context's address). */
  pachdAddress?: string;
  /** The pachctl context to use (PACH_CONTEXT). */
  context?: string;
  /** A pachctl config file (PACH_CONFIG), so a CI job does not touch ~/.pachyderm. */
  configPath?: string;
  authToken?: string;
  /** Extra environment for every pachctl call. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface PachctlCallOptions {
  input?: string;
  timeoutMs?: number;
}

export interface PachctlSession {
  checked?: Promise<void>;
  loggedIn?: Promise<void>;
}

/**
 * pachctl 1.x speaks another protocol: no global commit ids (a job's output commit does not share
 * its trigger's id), `flush commit` instead of `wait commit`, pfs v1 JSON (provenance as
 * commit+branch pairs), no `delete commit <id>` of commit sets, no commit metadata. Pachyderm 1.x
 * is also past its end of life. Refusing it up front beats failing later on a flag or a shape.
 */
export function unsupportedVersion(printed: string): string | undefined {
  const version = /(\d+)\.(\d+)\.(\d+)\S*/.exec(printed);
  if (!version || Number(version[1]) >= 2) return undefined;
  return `pachctl ${version[0]} is not supported: modelship needs pachctl 2.x (global commit ids tie a job and its model commit to the data commit that triggered it; \`wait commit\`, \`delete commit <id>\` and pfs_v2 JSON are 2.x only); install pachctl 2.x matching your pachd 2.x, or set settings.pachctl / PACHCTL to it`;
}

/** One provider call's view of pachctl: runs it through the context's runner and maps its failures. */
export class Pachctl {
  constructor(
    private readonly connection: PachctlConnection,
    private readonly context: ProviderContext,
    /** Shared across calls of one provider so the version is checked and the token handed over once. */
    private readonly session: PachctlSession = {},
  ) {}

  private env(): Record<string, string> {
    const env: Record<string, string> = { ...this.connection.env };
    if (this.connection.pachdAddress) env.PACHD_ADDRESS = this.connection.pachdAddress;
    if (this.connection.context) env.PACH_CONTEXT = this.connection.context;
    if (this.connection.configPath) env.PACH_CONFIG = this.connection.configPath;
    return env;
  }

  /** `pachctl version --client-only` (no RPC to pachd) once per provider: 1.x is refused before anything runs. */
  private checkVersion(operation: string): Promise<void> {
    this.session.checked ??= (async () => {
      const result = await this.context.run(this.connection.command, ['version', '--client-only'], {
        env: this.env(),
        signal: this.context.signal,
        timeoutMs: this.connection.timeoutMs,
        stream: false,
      });
      if (result.failed)
        throw mapPachctlFailure(result, `${operation} (pachctl version)`, this.context.redact);
      const refusal = unsupportedVersion(result.stdout);
      if (refusal)
        throw new InvalidInputError(`${operation}: ${refusal}`, {
          details: { pachctl: this.connection.command, version: result.stdout.trim() },
        });
    })().catch((error: unknown) => {
      this.session.checked = undefined;
      throw error;
    });
    return this.session.checked;
  }

  /** Hands the token to pachctl on stdin (never argv); pachctl keeps it in its config for later calls. */
  private login(operation: string): Promise<void> {
    const token = this.connection.authToken;
    if (!token) return Promise.resolve();
    this.context.redact.add(token);
    this.session.loggedIn ??= (async () => {
      const result = await this.context.run(this.connection.command, ['auth', 'use-auth-token'], {
        input: `${token}\n`,
        env: this.env(),
        secrets: [token],
        signal: this.context.signal,
        timeoutMs: this.connection.timeoutMs,
        stream: false,
      });
      if (result.failed)
        throw mapPachctlFailure(result, `${operation} (auth use-auth-token)`, this.context.redact);
    })().catch((error: unknown) => {
      this.session.loggedIn = undefined;
      throw error;
    });
    return this.session.loggedIn;
  }

  /** Runs pachctl; resolves with stdout, throws a mapped ModelshipError on failure. */
  async run(args: readonly string[], operation: string, options: PachctlCallOptions = {}): Promise<string> {
    throwIfAborted(this.context.signal, operation);
    await this.checkVersion(operation);
    await this.login(operation);
    const result = await this.context.run(this.connection.command, args, {
      input: options.input,
      env: this.env(),
      signal: this.context.signal,
      timeoutMs: options.timeoutMs ?? this.connection.timeoutMs,
      stream: false,
    });
    if (result.failed) throw mapPachctlFailure(result, operation, this.context.redact);
    return result.stdout;
  }

  /** Runs a read with `--raw -o json` and validates every object it printed. */
  async readAll<S extends z.ZodType>(
    args: readonly string[],
    schema: S,
    operation: string,
    options?: PachctlCallOptions,
  ): Promise<Array<z.infer<S>>> {
    const stdout = await this.run([...args, '--raw', '-o', 'json'], operation, options);
    return parseJsonStream(stdout).map((value, index) => {
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        throw new ProviderError(
          `${operation}: object ${index + 1} printed by pachctl ${args.slice(0, 2).join(' ')} has an unexpected shape (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}); is this pachctl v2.x?`,
          { provider: 'pachyderm', operation },
        );
      }
      return parsed.data;
    });
  }

  async read<S extends z.ZodType>(
    args: readonly string[],
    schema: S,
    operation: string,
    options?: PachctlCallOptions,
  ): Promise<z.infer<S>> {
    const [first] = await this.readAll(args, schema, operation, options);
    if (first === undefined)
      throw new TypeError(`${operation}: pachctl ${args.slice(0, 2).join(' ')} printed nothing`);
    return first;
  }
}
