import type { CommandRunner } from '../command.js';
import { exitCodes, UsageError } from '../exit-codes.js';
import { assertKnownModel } from '../input-checks.js';
import {
  boardTable,
  historyMermaid,
  historyTable,
  markdownSummary,
  tenureGantt,
  tenureTable,
} from '../report.js';
import { historySource } from './time-travel.js';
import { openWorkspace, type Workspace } from './workspace.js';

/** Only on the error path: a model with no versions and no events was never registered. */
async function assertKnown(workspace: Workspace, model: string): Promise<void> {
  const known = Object.keys((await workspace.ledger.load()).state.models);
  assertKnownModel(model, known, workspace.ledgerLocation);
}

/** The documented `status --json` shape: `{ model, stages: [{ name, champion, challengers, pendingApprovals }] }`. */
export const runStatus: CommandRunner = async (command, io) => {
  if (command.values.at !== undefined) return statusAt(command, io);
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

/** `status --at`: the board replayed from the ledger up to a time or an event number. */
const statusAt: CommandRunner = async (command, io) => {
  const core = await import('@modelship/core');
  const cut = core.parseCutPoint(String(command.values.at));
  const workspace = await openWorkspace(command, io, { provider: false });
  const { source, options } = await historySource(workspace.ledger, {
    location: workspace.ledgerLocation,
    env: workspace.env,
  });
  const { state, lastAt } = await core.ledgerStateAt(source, cut, options);
  if (cut.kind === 'seq' && state.seq < cut.seq)
    throw new UsageError(
      `--at #${cut.seq}: the ledger at ${workspace.ledgerLocation} ends at #${state.seq}; pick an event number up to it, or a time`,
    );
  const model = command.args.model;
  if (model && !state.models[model]) await assertKnown(workspace, model);
  const models = model ? [model] : Object.keys(state.models).sort();
  const boards = models.map((name) => core.stageBoard(state, name, workspace.config.stages));
  const asOf = { at: core.describeCut(cut), seq: state.seq, lastEventAt: lastAt };
  const view = (board: (typeof boards)[number]) => ({
    model: board.model,
    stages: board.stages,
    versions: board.versions,
    seq: board.seq,
  });
  const header = `as of ${asOf.at}: event #${state.seq}${lastAt ? ` (${lastAt})` : ''}`;
  const empty =
    model && !state.models[model]
      ? `${model} had no versions yet at ${asOf.at}`
      : `no models in the ledger yet at ${asOf.at}`;
  return {
    exitCode: exitCodes.ok,
    json: model ? { ...view(boards[0]!), asOf } : { models: boards.map(view), asOf },
    text: `${header}\n\n${model && !state.models[model] ? empty : boards.length ? boards.map(boardTable).join('\n\n') : empty}`,
  };
};

export const runHistory: CommandRunner = async (command, io) => {
  if (command.values.stage !== undefined) return stageHistory(command, io);
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

/** `history --stage`: each champion's tenure in one stage. */
const stageHistory: CommandRunner = async (command, io) => {
  const core = await import('@modelship/core');
  const workspace = await openWorkspace(command, io, { provider: false });
  const model = command.args.model!;
  const stage = String(command.values.stage);
  const { source, options } = await historySource(workspace.ledger, {
    location: workspace.ledgerLocation,
    env: workspace.env,
  });
  const { tenures, stages } = await core.ledgerTenures(source, model, stage, options);
  if (!stages) await assertKnown(workspace, model);
  const format = (command.values.format as string | undefined) ?? (command.json ? 'json' : 'table');
  const gantt = tenureGantt(model, stage, tenures, new Date());
  const document = { model, stage, tenures };
  const none = `${model} has had no champion in ${stage} (stages with one: ${stages?.join(', ') || 'none'})`;
  return {
    exitCode: exitCodes.ok,
    json: { ...document, ...(format === 'mermaid' ? { mermaid: gantt } : {}) },
    text:
      format === 'mermaid'
        ? gantt
        : format === 'json'
          ? JSON.stringify(document, null, 2)
          : tenures.length
            ? tenureTable(tenures)
            : none,
    summary: `### ${model}: champions in ${stage}\n\n\`\`\`mermaid\n${gantt}\n\`\`\``,
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
