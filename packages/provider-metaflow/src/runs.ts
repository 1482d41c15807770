import type { ProviderContext } from '@modelship/core';
import { queryHelper } from './python.js';
import type { ResolvedSettings } from './settings.js';

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
