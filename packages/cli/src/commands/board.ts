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
  const workspace = await openWorkspace(command, io, { provider: false });
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
