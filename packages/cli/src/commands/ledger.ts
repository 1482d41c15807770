// `modelship ledger verify|checkpoint`.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CommandRunner } from '../command.js';
import { exitCodes, UsageError } from '../exit-codes.js';
import { assertLedgerPresent } from '../input-checks.js';
import { ledgerTrust, readKeyFile } from '../ledger-trust.js';
import { openWorkspace } from './workspace.js';

const headOutput = (head: { seq: number; hash: string | null }) => `${head.seq}:${head.hash ?? ''}`;

export const runLedgerVerify: CommandRunner = async (command, io) => {
  const core = await import('@modelship/core');
  const workspace = await openWorkspace(command, io, { provider: false });
  const flagKey = command.values['public-key'] as string | undefined;
  const publicKey = flagKey
    ? await readKeyFile(flagKey, '--public-key', io)
    : (await ledgerTrust(workspace.config, io)).publicKey;
  const checkpointFile = command.values.checkpoint as string | undefined;
  let checkpoint: import('@modelship/core').LedgerCheckpoint | undefined;
  if (checkpointFile) {
    const text = await readKeyFile(checkpointFile, '--checkpoint', io);
    try {
      checkpoint = core.parseCheckpoint(text, `--checkpoint ${resolve(io.cwd, checkpointFile)}`);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  if (publicKey) {
    try {
      core.parseLedgerPublicKey(publicKey);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const approvalSigners = await core.approvalSignersFor(workspace.config, io.cwd);
  const report = await workspace.ledger.verify({
    ...(publicKey ? { publicKey } : {}),
    ...(checkpoint ? { checkpoint } : {}),
    approvalSigners,
  });
  if (report.problems.length === 0) await assertLedgerPresent(workspace.ledgerLocation, report.events);
  const config = workspace.config;
  const signedStages = config.stages.filter((stage) =>
    [config.approvals[stage], ...Object.values(config.models).map((m) => m.approvals?.[stage])].some(
      (policy) => typeof policy === 'object' && policy.allowedSigners,
    ),
  );
  const checks = [
    publicKey ? 'every batch signed' : '',
    checkpoint ? `holds checkpoint ${checkpoint.seq}` : '',
    signedStages.length ? `approvals in ${signedStages.join(', ')} signed by allowed_signers` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const text = report.ok
    ? `ledger ${workspace.ledgerLocation}: ${report.events} event(s), hash chain intact${checks ? `, ${checks}` : ''} (head ${report.head.hash ?? 'empty'})`
    : [
        `ledger ${workspace.ledgerLocation}: ${report.problems.length} problem(s) in ${report.events} event(s):`,
        ...report.problems.map((p) => `  #${p.seq} ${p.kind}: ${p.message}`),
      ].join('\n');
  return {
    exitCode: report.ok ? exitCodes.ok : exitCodes.failed,
    json: { location: workspace.ledgerLocation, signed: Boolean(publicKey), ...report },
    text,
    outputs: { status: report.ok ? 'verified' : 'corrupt', 'ledger-head': headOutput(report.head) },
    ...(report.ok ? {} : { failure: text }),
  };
};

/** Writes a (signed, with a key) `{seq, hash, at}` of the head, to keep outside the ledger. */
export const runLedgerCheckpoint: CommandRunner = async (command, io) => {
  const core = await import('@modelship/core');
  const workspace = await openWorkspace(command, io, { provider: false });
  const trust = await ledgerTrust(workspace.config, io);
  const { head } = await workspace.ledger.load();
  await assertLedgerPresent(workspace.ledgerLocation, head.seq);
  const signer = trust.signingKey ? core.createLedgerSigner(trust.signingKey) : undefined;
  const checkpoint = core.createCheckpoint(head, new Date(), signer);
  const out = command.values.out as string | undefined;
  const text = `${JSON.stringify(checkpoint, null, 2)}\n`;
  if (out) await writeFile(resolve(io.cwd, out), text);
  return {
    exitCode: exitCodes.ok,
    json: { ...checkpoint, ...(out ? { out: resolve(io.cwd, out) } : {}) },
    text: out
      ? `wrote checkpoint ${checkpoint.seq} ${checkpoint.hash} to ${resolve(io.cwd, out)}`
      : text.trimEnd(),
    outputs: { status: 'checkpointed', 'ledger-head': headOutput(head) },
  };
};
