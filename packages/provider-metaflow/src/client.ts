// Every Metaflow interaction is a Python process: flow commands (`run`, `tag`, `argo-workflows`)
// and the query helper shipped in ../python, which prints one JSON document.
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AbortedError,
  CommandFailedError,
  type CommandResult,
  ErrorCode,
  InvalidInputError,
  NotFoundError,
  type ProviderContext,
  ProviderError,
  throwIfAborted,
} from '@modelship/core';
import { checkMetadataService } from './client.js';
import { metaflowEnv, metaflowSecrets, type ResolvedSettings } from './settings.js';

// src/ and dist/ are both one level below the package root, which ships python/.
export const helperScript = fileURLToPath(new URL('../python/modelship_metaflow_query.py', import.meta.url));
const execScript = fileURLToPath(new URL('../python/modelship_metaflow_exec.py', import.meta.url));

export interface PythonCall {
  args: readonly string[];
  operation: string;
  stream?: boolean;
  env?: Record<string, string | undefined>;
}

export function flowPath(settings: ResolvedSettings, file: string): string {
  return isAbsolute(file) ? file : resolve(settings.cwd, file);
}

export async function runPython(
  settings: ResolvedSettings,
  call: PythonCall,
  context: ProviderContext,
): Promise<CommandResult> {
  throwIfAborted(context.signal, call.operation);
  await checkMetadataService(settings, call.operation, context);
  const env = metaflowEnv(settings);
  const stream = call.stream ?? true;
  // Streamed commands are Metaflow's own (run, argo-workflows): their stderr is progress.
  const args = stream ? [execScript, ...call.args] : call.args;
  const result = await context.run(settings.python, args, {
    cwd: settings.cwd,
    env: { ...env, ...call.env },
    signal: context.signal,
    timeoutMs: settings.timeoutMs,
    secrets: metaflowSecrets(settings),
    stream,
  });
  if (result.aborted) throw new AbortedError(call.operation);
  if (result.timedOut)
    throw new ProviderError(`${call.operation} timed out after ${settings.timeoutMs} ms: ${result.command}`, {
      provider: 'metaflow',
      operation: call.operation,
      code: ErrorCode.Timeout,
    });
  // The runner reports a program that could not start as no exit code and no output.
  if (result.exitCode === undefined)
    throw new InvalidInputError(
      `${call.operation}: cannot start the Python interpreter "${settings.python}": set the provider setting python (--python, MODELSHIP_METAFLOW_PYTHON) to a Python that has Metaflow installed`,
    );
  if (result.failed && /Unknown user/.test(result.stderr + result.stdout))
    throw new InvalidInputError(
      `${call.operation}: Metaflow cannot tell who is running it (no user name, or root): set METAFLOW_USER (or the provider setting user, --user), e.g. METAFLOW_USER=ci`,
    );
  return result;
}

/** The last lines of stderr without Metaflow's banner, for error messages. */
export function stderrTail(result: CommandResult, lines = 12): string {
  return (result.stderr || result.stdout)
    .split(/\r?\n/)
    .filter((line) => line.trim() && !/^Metaflow \d|^Project: /.test(line))
    .slice(-lines)
    .join('\n');
}

export function commandFailed(result: CommandResult, operation: string): never {
  const tail = stderrTail(result);
  if (/No run\b.*\bfound|No such run|not found/i.test(tail))
    throw new NotFoundError(`${operation}: ${tail.split('\n').pop()?.trim()}`, {
      details: { command: result.command },
    });
  throw new CommandFailedError(result.command, result.exitCode, tail, { details: { operation } });
}

interface HelperFailure {
  ok: false;
  error: { kind: string; message: string };
}

/** Runs the query helper and returns its JSON; a `not_found` answer becomes NotFoundError. */
export async function queryHelper<T>(
  settings: ResolvedSettings,
  args: readonly string[],
  operation: string,
  context: ProviderContext,
): Promise<T> {
  const namespaceArgs = settings.namespace ? ['--namespace', settings.namespace] : [];
  const result = await runPython(
    settings,
    { args: [helperScript, ...args, ...namespaceArgs], operation, stream: false },
    context,
  );
  if (result.failed) commandFailed(result, operation);
  const line = result.stdout.trim().split('\n').pop() ?? '';
  let parsed: ({ ok: true } & T) | HelperFailure;
  try {
    parsed = JSON.parse(line) as typeof parsed;
  } catch (error) {
    throw new ProviderError(
      `${operation}: the Metaflow query helper printed no JSON: ${line.slice(0, 200)}`,
      {
        provider: 'metaflow',
        operation,
        cause: error,
      },
    );
  }
  if (!parsed.ok) {
    if (parsed.error.kind === 'not_found') throw new NotFoundError(`${operation}: ${parsed.error.message}`);
    throw new ProviderError(`${operation}: ${parsed.error.message}`, { provider: 'metaflow', operation });
  }
  return parsed;
}

export const pythonDir = join(helperScript, '..');
