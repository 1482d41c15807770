import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Evaluation, PromotionResult } from '@modelship/core';
import { approvalSignature } from '../approval-signing.js';
import { assertApproverIsActor } from '../approver.js';
import type { ParsedCommand } from '../args.js';
import type { CommandOutcome, CommandRunner } from '../command.js';
import { exitCodes, UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { boardTable, gateTable, markdownSummary } from '../report.js';
import { openWorkspace, type Workspace } from './workspace.js';

const exitFor: Record<PromotionResult['outcome'], number> = {
  promoted: exitCodes.ok,
  'rolled-back': exitCodes.ok,
  'already-done': exitCodes.ok,
  'pending-approval': exitCodes.pendingApproval,
  'gate-failed': exitCodes.failed,
  'deploy-failed': exitCodes.failed,
  rejected: exitCodes.failed,
};

async function readEvaluation(path: string | undefined, io: CliIo): Promise<Evaluation | undefined> {
  if (!path) return undefined;
  const file = resolve(io.cwd, path);
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Evaluation;
    if (typeof value !== 'object' || value === null) throw new Error('not an object');
    return value;
  } catch (error) {
    throw new UsageError(
      `--evaluation ${file}: ${(error as Error).message}; expected {"id": "...", "metrics": {...}, "champion": {...}}`,
    );
  }
}

function headline(result: PromotionResult): string {
  const what = `${result.model} ${result.version} → ${result.stage}`;
  switch (result.outcome) {
    case 'promoted':
      return `${what}: promoted${result.deploy?.endpoint ? `, serving at ${result.deploy.endpoint}` : ''}${result.previous ? ` (replaces ${result.previous})` : ''}`;
    case 'rolled-back':
      return `${what}: rolled back${result.deploy?.endpoint ? `, serving at ${result.deploy.endpoint}` : ''}${result.previous ? ` (replaces ${result.previous})` : ''}`;
    case 'deploy-failed':
      return `${what}: the deploy failed${result.error ? ` (${result.error.message})` : ''}; fix the cause and run \`modelship deploy ${result.model} ${result.version} --stage ${result.stage}\``;
    case 'already-done':
      return `${what}: already done`;
    case 'pending-approval': {
      const approvals = result.approvals;
      return `${what}: waiting for approval${approvals ? ` (${approvals.granted.length}/${approvals.required} granted)` : ''}; run \`modelship approve ${result.model} ${result.version} --stage ${result.stage} --by <who>\``;
    }
    case 'gate-failed':
      return `${what}: a gate said no`;
    default:
      return `${what}: rejected`;
  }
}

async function outcomeOf(
  command: ParsedCommand,
  workspace: Workspace,
  result: PromotionResult,
  io: CliIo,
): Promise<CommandOutcome> {
  // The operation returns the board it left; only a retried call's stored result comes without one.
  const board = result.board ?? (await workspace.promoter.status(result.model));
  const version = board.versions.find((v) => v.id === result.version);
  const exitCode = exitFor[result.outcome];
  const { githubActions } = await import('../github.js');
  const runUrl = githubActions(io, command.json)?.runUrl;
  const failing = result.gates.filter((gate) => gate.verdict === 'fail');
  const refs = { ...version?.refs, ...result.deploy?.refs };
  return {
    exitCode,
    json: { ...result, board: { model: board.model, stages: board.stages } },
    text: [
      headline(result),
      ...(result.warnings ?? []).map((warning) => `warning: ${warning.message}`),
      ...(result.gates.length ? ['gates:', gateTable(result.gates, { cwd: io.cwd })] : []),
      '',
      boardTable(board),
    ].join('\n'),
    outputs: {
      version: result.version,
      stage: result.stage,
      status: result.outcome,
      'manifest-digest': version?.manifestDigest,
      endpoint: result.deploy?.endpoint,
      refs: JSON.stringify(refs),
      ...Object.fromEntries(Object.entries(refs).map(([k, v]) => [`ref-${k}`, v])),
    },
    summary: markdownSummary({
      title: `modelship ${command.command}: ${result.model} ${result.version} → ${result.stage}`,
      result,
      board,
      version,
      runUrl,
      cwd: io.cwd,
    }),
    ...(exitCode === exitCodes.failed
      ? {
          failure: `${result.model} ${result.version} → ${result.stage}: ${failing.map((gate) => `${gate.name}: ${gate.message}`).join('; ') || result.error?.message || result.outcome}`,
        }
      : {}),
  };
}

export const runPromote: CommandRunner = async (command, io) => {
  const workspace = await openWorkspace(command, io, { provider: true });
  const result = await workspace.promoter.promote({
    model: command.args.model!,
    version: command.args.version!,
    to: String(command.values.to),
    by: command.values.by as string | undefined,
    evaluation: await readEvaluation(command.values.evaluation as string | undefined, io),
    staleAfter: command.values['stale-after'] as string | undefined,
    ...(typeof command.values['if-champion'] === 'string'
      ? { expectedChampion: command.values['if-champion'] === 'none' ? null : command.values['if-champion'] }
      : {}),
    idempotencyKey: command.idempotencyKey,
  });
  return outcomeOf(command, workspace, result, io);
};

function decide(approve: boolean): CommandRunner {
  return async (command, io) => {
    const workspace = await openWorkspace(command, io, { provider: true });
    assertApproverIsActor({
      verb: approve ? 'approve' : 'reject',
      by: String(command.values.by),
      env: io.env,
      trustByFlag: workspace.config.approvals.trustByFlag,
    });
    const who = {
      model: command.args.model!,
      version: command.args.version!,
      stage: String(command.values.stage),
      by: String(command.values.by),
    };
    if (approve && command.values['print-payload']) return printPayload(workspace, who);
    const input = {
      ...who,
      reason: command.values.reason as string | undefined,
      idempotencyKey: command.idempotencyKey,
      ...(approve ? { signature: await approvalSignature(command, io, workspace.promoter, who) } : {}),
    };
    const result = approve ? await workspace.promoter.approve(input) : await workspace.promoter.reject(input);
    const outcome = await outcomeOf(command, workspace, result, io);
    // A rejection the user asked for is the command succeeding.
    if (!approve && result.outcome === 'rejected')
      return { ...outcome, exitCode: exitCodes.ok, failure: undefined };
    return outcome;
  };
}

/** `approve --print-payload`: the exact bytes to sign, on stdout (the newline the output adds is part of them). */
async function printPayload(
  workspace: Workspace,
  who: { model: string; version: string; stage: string; by: string },
): Promise<CommandOutcome> {
  const { approvalMessage } = await import('@modelship/core');
  const payload = await workspace.promoter.approvalPayload(who);
  return { exitCode: exitCodes.ok, json: payload, text: approvalMessage(payload).trimEnd() };
}

export const runApprove = decide(true);
export const runReject = decide(false);

export const runDeploy: CommandRunner = async (command, io) => {
  const workspace = await openWorkspace(command, io, { provider: true });
  const result = await workspace.promoter.deploy({
    model: command.args.model!,
    version: command.args.version,
    stage: String(command.values.stage),
    by: command.values.by as string | undefined,
    idempotencyKey: command.idempotencyKey,
    staleAfter: command.values['stale-after'] as string | undefined,
  });
  return outcomeOf(command, workspace, result, io);
};

export const runRollback: CommandRunner = async (command, io) => {
  const workspace = await openWorkspace(command, io, { provider: true });
  const result = await workspace.promoter.rollback({
    model: command.args.model!,
    stage: String(command.values.stage),
    by: command.values.by as string | undefined,
    idempotencyKey: command.idempotencyKey,
    staleAfter: command.values['stale-after'] as string | undefined,
  });
  return outcomeOf(command, workspace, result, io);
};
