import { join } from 'node:path';
import { type ProviderContext, type TagInput, type TagResult, throwIfAborted } from '@modelship/core';
import { readJson, type StoreLayout, safeName, withLock, writeJsonAtomic } from './client.js';

/** Tags that name exactly one version per stage: setting one moves it. Others (e.g. `challenger`) accumulate. */
const exclusiveTags = new Set(['champion']);

export interface AliasBoard {
  model: string;
  /** stage → tag → versions carrying it. */
  stages: Record<string, Record<string, string[]>>;
  approvals: Array<{ version: string; stage: string; by: string; reason?: string; at: string }>;
}

function boardPath(layout: StoreLayout, model: string): string {
  return join(layout.aliases, `${safeName(model)}.json`);
}

export async function readAliases(layout: StoreLayout, model: string): Promise<AliasBoard> {
  return (await readJson<AliasBoard>(boardPath(layout, model))) ?? { model, stages: {}, approvals: [] };
}

/** Applies a tag under a lock; applying the same tag twice leaves the board as it was. */
export async function applyTag(
  layout: StoreLayout,
  input: TagInput,
  context: ProviderContext,
): Promise<TagResult> {
  throwIfAborted(context.signal, 'tag');
  const { name, version } = input.model;
  const path = boardPath(layout, name);
  await withLock(path, async () => {
    const board = await readAliases(layout, name);
    const tags = board.stages[input.stage] ?? {};
    board.stages[input.stage] = tags;
    const holders = new Set(tags[input.tag] ?? []);
    if (input.action === 'remove') holders.delete(version);
    else if (exclusiveTags.has(input.tag)) {
      holders.clear();
      holders.add(version);
    } else holders.add(version);
    tags[input.tag] = [...holders];
    if (input.approval && input.action !== 'remove') {
      const already = board.approvals.some(
        (a) => a.version === version && a.stage === input.stage && a.by === input.approval?.by,
      );
      if (!already) {
        board.approvals.push({
          version,
          stage: input.stage,
          by: input.approval.by,
          ...(input.approval.reason ? { reason: input.approval.reason } : {}),
          at: new Date(context.now()).toISOString(),
        });
      }
    }
    await writeJsonAtomic(path, board);
  });
  context.logger.info(
    `tag: ${name}@${version} ${input.action === 'remove' ? 'no longer' : 'now'} ${input.tag} on ${input.stage}`,
  );
  return { refs: { alias: `${name}@${input.stage}:${input.tag}` }, warnings: [] };
}
