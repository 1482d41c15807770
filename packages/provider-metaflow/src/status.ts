// Metaflow has no state strings: a run is successful, finished, or has a failed step. These facts
// map to unified states here, keeping what the mapping used as `raw`; `status` reads them back.
import type { MappedStatus, ProviderContext, ProviderRefs, StatusInput, StatusResult } from '@modelship/core';
import { type MetaflowRun, parseRunPathspec, readRun } from './client.js';
import type { ResolvedSettings } from './settings.js';

export interface RunFacts {
  successful: boolean;
  finished: boolean;
  /** A step whose task finished unsuccessfully (only looked up for unfinished runs). */
  failedStep?: string | null;
}

/** Metaflow has no state string; `raw` names the facts the mapping used. */
export function mapRunStatus(run: RunFacts, exitCode?: number): MappedStatus {
  if (run.successful && exitCode !== undefined && exitCode !== 0)
    return { unified: 'failed', raw: `successful, but the command exited ${exitCode}` };
  if (run.successful) return { unified: 'succeeded', raw: 'successful' };
  if (run.finished) return { unified: 'failed', raw: 'finished, not successful' };
  if (run.failedStep) return { unified: 'failed', raw: `step ${run.failedStep} failed` };
  if (exitCode !== undefined) return { unified: 'failed', raw: `not finished, command exited ${exitCode}` };
  return { unified: 'running', raw: 'not finished' };
}

function stageTagOf(settings: ResolvedSettings, input: StatusInput): string | undefined {
  return input.stage ? settings.stageTags[input.stage] : undefined;
}

/**
 * The run's user tags as Metaflow holds them now (comma-separated in `refs.tags`), plus `champion`
 * when it carries the stage's tag: that is what tagging it champion on the stage does.
 */
export function tagsOf(run: Pick<MetaflowRun, 'tags'>, stageTag: string | undefined): string {
  const champion = stageTag && run.tags.includes(stageTag) ? ['champion'] : [];
  return [...new Set([...run.tags, ...champion])].join(',');
}

/** A stage is deployed when its run carries the stage tag; without a stage, the run's own state. */
export async function status(
  settings: ResolvedSettings,
  input: StatusInput,
  context: ProviderContext,
): Promise<StatusResult> {
  const target = parseRunPathspec(input.refs?.runId, 'status refs.runId', input.refs?.flow);
  const run = await readRun(settings, target.pathspec, [], context);
  const stageTag = stageTagOf(settings, input);
  const refs: ProviderRefs = { ...input.refs, runId: run.pathspec, tags: tagsOf(run, stageTag) };
  if (!input.stage || !stageTag) return { status: mapRunStatus(run), refs };
  if (!run.tags.includes(stageTag))
    return { status: { unified: 'unknown', raw: `not tagged ${stageTag}` }, refs };
  const raw = input.refs?.argoRunId
    ? 'triggered'
    : input.refs?.workflowTemplate
      ? 'template-rendered'
      : `tagged ${stageTag}`;
  return { status: { unified: 'deployed', raw }, refs };
}
