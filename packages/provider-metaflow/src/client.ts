// The one place that talks to Metaflow: every interaction is a Python process, either a flow
// command (`run`, `tag`, `argo-workflows`) or the query helper shipped in ../python, which prints
// one JSON document (runs, tagged runs, selection). The metadata service's HTTP side is in
// ./metadata-service.ts.
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AbortedError,
  type CommandResult,
  ErrorCode,
  InvalidInputError,
  NotFoundError,
  type ProviderContext,
  ProviderError,
  throwIfAborted,
} from '@modelship/core';
import { commandFailed } from './errors.js';
import { checkMetadataService } from './metadata-service.js';
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

// --- runs -------------------------------------------------------------------------------------
export interface RunPathspec {
  flow: string;
  id: string;
  pathspec: string;
}

/** `Flow/123` → its parts. A bare id needs the flow name from elsewhere. */
export function parseRunPathspec(value: string | undefined, where: string, flow?: string): RunPathspec {
  const text = value?.trim() ?? '';
  const match = /^([A-Za-z_][A-Za-z0-9_]*)\/([^/\s]+)$/.exec(text);
  if (match) return { flow: match[1]!, id: match[2]!, pathspec: text };
  if (flow && /^[^/\s]+$/.test(text)) return { flow, id: text, pathspec: `${flow}/${text}` };
  throw new InvalidInputError(
    `${where} "${text}" is not a Metaflow run; pass refs.runId as FlowName/RunId (e.g. EvaluateNewModelFlow/1699)`,
  );
}

/** One run as the query helper describes it. */
export interface MetaflowRun {
  pathspec: string;
  flow: string;
  id: string;
  successful: boolean;
  finished: boolean;
  failedStep: string | null;
  createdAt: string | null;
  finishedAt: string | null;
  /** User tags only (system tags are in `systemTags`). */
  tags: string[];
  systemTags: string[];
  artifactsPresent: string[];
  /** Requested artifacts that are JSON values (others are `null`). */
  artifacts: Record<string, unknown>;
}

export interface SelectInput {
  flow: string;
  tag: string;
  /** Only runs that have this artifact qualify (default: the provider's modelArtifact, if any). */
  artifact?: string;
  /**
   * Scope: only this run (`Flow/ID` or an id), e.g. the one the build job wrote to `$GITHUB_OUTPUT`;
   * it must still carry `tag`, have succeeded and have the artifact.
   */
  runId?: string;
  /** Scope: runs started from this git commit (a prefix of it), as Metaflow recorded it. */
  commit?: string;
  /** Scope: runs started on this git branch, or of this `@project` branch. */
  branch?: string;
}

export interface SelectResult {
  /** The newest qualifying run by creation time, or null. */
  run: MetaflowRun | null;
  /** Every tagged run looked at, newest first, with why it was skipped (null = chosen). */
  considered: { pathspec: string; skipped: string | null }[];
}

export async function readRun(
  settings: ResolvedSettings,
  pathspec: string,
  artifacts: readonly string[],
  context: ProviderContext,
): Promise<MetaflowRun> {
  const args = ['run', pathspec, ...artifacts.flatMap((name) => ['--artifact', name])];
  const { run } = await queryHelper<{ run: MetaflowRun }>(settings, args, `read run ${pathspec}`, context);
  return run;
}

export function selectRun(
  settings: ResolvedSettings,
  input: SelectInput,
  context: ProviderContext,
): Promise<SelectResult> {
  const artifact = input.artifact ?? settings.modelArtifact;
  const args = [
    'select',
    input.flow,
    '--tag',
    input.tag,
    ...(artifact ? ['--artifact', artifact] : []),
    ...(input.runId ? ['--run', input.runId] : []),
    ...(input.commit ? ['--commit', input.commit] : []),
    ...(input.branch ? ['--branch', input.branch] : []),
  ];
  return queryHelper<SelectResult>(settings, args, `select ${input.flow} runs tagged ${input.tag}`, context);
}

/** Every run of `flow` carrying `tag`, in the provider's namespace (default: all). */
export async function runsTagged(
  settings: ResolvedSettings,
  flow: string,
  tag: string,
  context: ProviderContext,
): Promise<Pick<MetaflowRun, 'pathspec' | 'systemTags'>[]> {
  const { runs } = await queryHelper<{ runs: Pick<MetaflowRun, 'pathspec' | 'systemTags'>[] }>(
    settings,
    ['tagged', flow, '--tag', tag],
    `list ${flow} runs tagged ${tag}`,
    context,
  );
  return runs;
}

/** The creator of a run, from its `user:` system tag (tag commands need the creator's namespace). */
export function runCreator(run: Pick<MetaflowRun, 'systemTags'>): string | undefined {
  return run.systemTags.find((tag) => tag.startsWith('user:'))?.slice('user:'.length);
}

/** Numbers of a metrics artifact: a dict of numbers (nested dicts flattened with dots), or one number. */
export function metricsOf(value: unknown, name: string): Record<string, number> {
  if (typeof value === 'number' && Number.isFinite(value)) return { [name]: value };
  const out: Record<string, number> = {};
  const walk = (node: unknown, prefix: string) => {
    if (typeof node === 'number' && Number.isFinite(node)) out[prefix] = node;
    else if (node && typeof node === 'object' && !Array.isArray(node))
      for (const [key, child] of Object.entries(node)) walk(child, prefix ? `${prefix}.${key}` : key);
  };
  walk(value, '');
  return out;
}
