// `modelship reconcile [<model>] [--stage S]`: what a crashed run left `deploying` is finished (the
// provider says it serves), failed (it says it does not), or deployed again with the same key.
import type { CommandRunner } from '../command.js';
import { exitCodes } from '../exit-codes.js';
import { table } from '../io.js';
import { openWorkspace } from './workspace.js';

export const runReconcile: CommandRunner = async (command, io) => {
  const workspace = await openWorkspace(command, io, { provider: true });
  const stage = command.values.stage as string | undefined;
  const reports = await workspace.promoter.reconcile({
    ...(command.args.model ? { model: command.args.model } : {}),
    ...(stage ? { stage } : {}),
  });
  const failed = reports.filter((report) => report.outcome === 'failed');
  const text = reports.length
    ? table(
        ['model', 'version', 'stage', 'outcome', 'status'],
        reports.map((r) => [r.model, r.version, r.stage, r.outcome, r.status ?? '']),
      )
    : 'nothing was left deploying';
  return {
    exitCode: failed.length ? exitCodes.failed : exitCodes.ok,
    json: { reports },
    text,
    outputs: { status: failed.length ? 'failed' : 'reconciled' },
    ...(failed.length
      ? { failure: failed.map((r) => `${r.model} ${r.version} → ${r.stage}: ${r.status}`).join('; ') }
      : {}),
  };
};
