import type { CommandRunner } from '../command.js';
import { exitCodes } from '../exit-codes.js';
import { assertKnownModel } from '../input-checks.js';
import { boardTable, historyMermaid, historyTable, markdownSummary } from '../report.js';
import { openWorkspace, type Workspace } from './workspace.js';

/** Only on the error path: a model with no versions and no events was never registered. */
async function assertKnown(workspace: Workspace, model: string): Promise<void> {
  const known = Object.keys((await workspace.ledger.load()).state.models);
  assertKnownModel(model, known, workspace.ledgerLocation);
}

/** The documented `status --json` shape: `{ model, stages: [{ name, champion, challengers, pendingApprovals }] }`. */
export const runStatus: CommandRunner = async (command, io) => {
  const check = command.values.check === true;
  // A configured provider is opened even without --check: decisions taken in its registry are recorded.
  const workspace = await openWorkspace(command, io, { provider: check || 'if-configured' });
  const models = command.args.model
    ? [command.args.model]
    : Object.keys((await workspace.ledger.load()).state.models).sort();
  const boards = await Promise.all(models.map((model) => workspace.promoter.status(model)));
  if (command.args.model && boards[0]?.versions.length === 0)
    await assertKnown(workspace, command.args.model);
  const view = (board: (typeof boards)[number]) => ({
    model: board.model,
    stages: board.stages,
    versions: board.versions,
    seq: board.seq,
  });
  const { githubActions } = await import('../github.js');
  const runUrl = githubActions(io, command.json)?.runUrl;
  if (check) {
    const drift = await findDrift(workspace, boards);
    const text = drift.length
      ? `drift: what the platform serves differs from the ledger:\n${drift.map((d) => `  ${d}`).join('\n')}`
      : 'no drift: every stage serves its champion';
    return {
      exitCode: drift.length ? exitCodes.failed : exitCodes.ok,
      json: { ...(command.args.model ? view(boards[0]!) : { models: boards.map(view) }), drift },
      text: `${boards.map(boardTable).join('\n\n')}\n\n${text}`,
      ...(drift.length ? { failure: text } : {}),
    };
  }
  return {
    exitCode: exitCodes.ok,
    json: command.args.model ? view(boards[0]!) : { models: boards.map(view) },
    text: boards.length
      ? boards.map(boardTable).join('\n\n')
      : `no models in the ledger at ${workspace.ledgerLocation} yet; register one with \`modelship register\``,
    summary: boards
      .map((board) => markdownSummary({ title: `Stage board: ${board.model}`, board, runUrl }))
      .join('\n\n'),
  };
};

export const runHistory: CommandRunner = async (command, io) => {
  const workspace = await openWorkspace(command, io, { provider: false });
  const model = command.args.model!;
  const events = await workspace.promoter.history(model);
  if (events.length === 0) await assertKnown(workspace, model);
  const format = (command.values.format as string | undefined) ?? (command.json ? 'json' : 'table');
  const mermaid = historyMermaid(model, events);
  return {
    exitCode: exitCodes.ok,
    json: { model, events, ...(format === 'mermaid' ? { mermaid } : {}) },
    text:
      format === 'mermaid'
        ? mermaid
        : format === 'json'
          ? JSON.stringify({ model, events }, null, 2)
          : historyTable(events),
    summary: `### History of ${model}\n\n\`\`\`mermaid\n${mermaid}\n\`\`\``,
  };
};

type Board = Awaited<ReturnType<Workspace['promoter']['status']>>;

/**
 * Each stage champion against the provider's `status` of that stage: not deployed there, or a ref
 * both sides name (e.g. `endpointConfig`) with another value, is drift. Providers without
 * `status` cannot be checked, which is said rather than passed silently.
 */
async function findDrift(workspace: Workspace, boards: Board[]): Promise<string[]> {
  const provider = workspace.provider;
  if (!provider?.status)
    return [`provider ${provider?.name ?? '(none)'} has no status: nothing can be compared`];
  const drift: string[] = [];
  for (const board of boards)
    for (const stage of board.stages) {
      const champion = stage.champion;
      if (!champion) continue;
      const where = `${board.model} ${stage.name}`;
      const served = await provider.status(
        { model: { name: board.model, version: champion.version }, stage: stage.name, refs: champion.refs },
        workspace.context,
      );
      if (served.status.unified !== 'deployed') {
        drift.push(
          `${where}: the ledger's champion is ${champion.version}, the provider reports ${served.status.raw}`,
        );
        continue;
      }
      for (const [key, value] of Object.entries(served.refs))
        if (key in champion.refs && champion.refs[key] !== value)
          drift.push(
            `${where}: the ledger's champion ${champion.version} has ${key} ${champion.refs[key]}, the platform serves ${value}`,
          );
    }
  return drift;
}
