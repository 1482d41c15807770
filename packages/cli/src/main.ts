// `modelship`: everything heavy (core, providers, SDKs) is imported by the command that needs it,
// so `modelship --help` costs little more than starting node.
import { argvToOptions, type CommandName, type ParsedCommand } from './args.js';
import type { CommandOutcome, CommandRunner } from './command.js';
import { describeError, exitCodeFor, exitCodes } from './exit-codes.js';
import { type CliIo, processIo } from './io.js';
import { redactingIo } from './redaction.js';

const loaders: Partial<Record<CommandName, () => Promise<CommandRunner>>> = {
  init: async () => (await import('./commands/init.js')).runInit,
  train: async () => (await import('./commands/register.js')).runTrain,
  upload: async () => (await import('./commands/register.js')).runUpload,
  register: async () => (await import('./commands/register.js')).runRegister,
  promote: async () => (await import('./commands/promotion.js')).runPromote,
  approve: async () => (await import('./commands/promotion.js')).runApprove,
  reject: async () => (await import('./commands/promotion.js')).runReject,
  deploy: async () => (await import('./commands/promotion.js')).runDeploy,
  rollback: async () => (await import('./commands/promotion.js')).runRollback,
  reconcile: async () => (await import('./commands/reconcile.js')).runReconcile,
  status: async () => (await import('./commands/board.js')).runStatus,
  history: async () => (await import('./commands/board.js')).runHistory,
  report: async () => (await import('./commands/report.js')).runReport,
  ledger: async () => {
    const ledger = await import('./commands/ledger.js');
    return (command, io) =>
      command.args.action === 'checkpoint'
        ? ledger.runLedgerCheckpoint(command, io)
        : ledger.runLedgerVerify(command, io);
  },
};

async function emit(command: ParsedCommand, outcome: CommandOutcome, io: CliIo): Promise<void> {
  io.stdout.write(
    command.json ? `${JSON.stringify(outcome.json, null, 2)}\n` : outcome.text ? `${outcome.text}\n` : '',
  );
  if (io.env.GITHUB_ACTIONS !== 'true') return;
  const { githubActions } = await import('./github.js');
  const gha = githubActions(io, command.json);
  gha?.setOutputs({ ...outcome.outputs });
  if (outcome.summary) gha?.summary(outcome.summary);
  if (outcome.failure) gha?.error(outcome.failure, `modelship ${command.command}`);
}

/** Runs `modelship <argv>` and resolves its exit code (0 done, 1 failed, 2 usage, 3 race lost, 4 approval pending). */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let json = argv.includes('--json');
  let name = 'modelship';
  try {
    const invocation = argvToOptions(argv);
    if (invocation.command === 'help') {
      const help = await import('./help.js');
      io.stdout.write(`${invocation.topic ? help.commandHelp(invocation.topic) : help.mainHelp()}\n`);
      return exitCodes.ok;
    }
    if (invocation.command === 'version') {
      const { readFileSync } = await import('node:fs');
      io.stdout.write(
        `${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`,
      );
      return exitCodes.ok;
    }
    json = invocation.json;
    name = `modelship ${invocation.command}`;
    io = await redactingIo(io);
    if (invocation.command === 'manifest') {
      return (await import('./commands/manifest.js')).runManifestCommand(invocation.raw, io);
    }
    const load = loaders[invocation.command];
    if (!load) throw new Error(`${invocation.command} is not implemented yet`);
    try {
      const outcome = await (await load())(invocation, io);
      await emit(invocation, outcome, io);
      return outcome.exitCode;
    } finally {
      await (await import('./commands/workspace.js')).flushOpenWorkspaces();
    }
  } catch (error) {
    io = await redactingIo(io);
    const exitCode = exitCodeFor(error);
    const described = describeError(error);
    if (json) io.stdout.write(`${JSON.stringify({ ok: false, exitCode, error: described }, null, 2)}\n`);
    io.stderr.write(`${name}: error [${described.code}]: ${described.message}\n`);
    if (io.env.GITHUB_ACTIONS === 'true') {
      const { githubActions } = await import('./github.js');
      const gha = githubActions(io, json);
      gha?.setOutputs({ status: described.code });
      gha?.summary(
        `### ❌ ${name} failed\n\n\`${described.code}\`: ${described.message.replace(/\n/g, '<br>')}\n`,
      );
      gha?.error(described.message, name);
    }
    return exitCode;
  }
}

export function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  return runCli(argv, processIo());
}
