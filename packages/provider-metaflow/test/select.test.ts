import { execFileSync } from 'node:child_process';
import { createProviderContext, silentLogger } from '@modelship/core';
import { describe, expect, inject, it } from 'vitest';
import { argoStyleRun, flowName, flowsDir, testProvider } from './fixtures.js';

describe('select: newest successful tagged run by creation time (real Metaflow local metadata)', () => {
  const shared = inject('metaflowRuns');
  const context = createProviderContext({ logger: silentLogger });
  const provider = testProvider(shared.root);
  const tag = `select_${process.pid}_${Date.now()}`;

  it('skips failed runs and runs without the artifact, newest first', async () => {
    for (const runId of [shared.good, shared.weak, shared.failed])
      await provider.replaceTags({ runId, add: [tag] }, context);

    const any = await provider.select({ flow: flowName, tag }, context);
    expect(any.run?.pathspec).toBe(shared.weak);
    expect(any.considered).toEqual([
      { pathspec: shared.failed, skipped: 'did not succeed' },
      { pathspec: shared.weak, skipped: null },
    ]);

    const withModel = await provider.select({ flow: flowName, tag, artifact: 'model_path' }, context);
    expect(withModel.run?.pathspec).toBe(shared.good);
    expect(withModel.considered.map((c) => c.skipped)).toEqual([
      'did not succeed',
      'has no artifact model_path',
      null,
    ]);
  });

  it('a tag change on an older run does not make it the newest (Metaflow issue #2293)', async () => {
    // Local metadata rewrites the run's own timestamp on every tag change; the start task's is not.
    const retagged = await provider.replaceTags({ runId: shared.good, add: [`${tag}_again`] }, context);
    const weak = await provider.readRun(shared.weak, [], context);
    expect(Date.parse(retagged.createdAt ?? '')).toBeLessThan(Date.parse(weak.createdAt ?? ''));
    const selected = await provider.select({ flow: flowName, tag }, context);
    expect(selected.run?.pathspec).toBe(shared.weak);
  });

  it('newest by creation time: a later Argo run outranks an earlier numeric id', async () => {
    const argo = await argoStyleRun(shared.root, `argo-evaluate-${process.pid}`, ['--accuracy', '0.97']);
    await provider.replaceTags({ runId: argo, add: [tag] }, context);
    // Retagging the older numeric run afterwards must not bring it back on top either.
    await provider.replaceTags({ runId: shared.good, add: [`${tag}_late`] }, context);
    const selected = await provider.select({ flow: flowName, tag, artifact: 'model_path' }, context);
    expect(selected.run?.pathspec).toBe(argo);
    expect(selected.considered[0]).toEqual({ pathspec: argo, skipped: null });
    await provider.replaceTags({ runId: argo, remove: [tag] }, context);
  });

  it('scoped: an explicit run must still be tagged; commit and branch come from what Metaflow recorded', async () => {
    const only = await provider.select({ flow: flowName, tag, runId: shared.weak }, context);
    expect(only.run?.pathspec).toBe(shared.weak);
    const untagged = await provider.select(
      { flow: flowName, tag: `${tag}_nobody`, runId: shared.weak },
      context,
    );
    expect(untagged).toMatchObject({
      run: null,
      considered: [{ pathspec: shared.weak, skipped: `is not tagged ${tag}_nobody` }],
    });

    // The flows live in this repository, so Metaflow recorded its checkout on every run.
    const git = (args: string[]) => execFileSync('git', args, { cwd: flowsDir, encoding: 'utf8' }).trim();
    const here = await provider.select({ flow: flowName, tag, commit: git(['rev-parse', 'HEAD']) }, context);
    expect(here.run?.pathspec).toBe(shared.weak);
    const elsewhere = await provider.select({ flow: flowName, tag, commit: '0badc0de' }, context);
    expect(elsewhere.run).toBeNull();
    expect(elsewhere.considered[0]?.skipped).toMatch(/^was started from commit [0-9a-f]{12}, not 0badc0de$/);
    const otherBranch = await provider.select({ flow: flowName, tag, branch: 'no-such-branch' }, context);
    expect(otherBranch.run).toBeNull();
  });

  it('no tagged run is an empty answer, an unknown flow is not_found', async () => {
    expect((await provider.select({ flow: flowName, tag: `${tag}_nobody` }, context)).run).toBeNull();
    await expect(provider.select({ flow: 'NoSuchFlow', tag }, context)).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
