// `modelship report`: the ledger's history as one self-contained HTML file (report-html.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { CommandRunner } from '../command.js';
import { exitCodes } from '../exit-codes.js';
import { assertKnownModel } from '../input-checks.js';
import { ledgerTrust } from '../ledger-trust.js';
import { historySource } from './time-travel.js';
import { openWorkspace } from './workspace.js';

export const runReport: CommandRunner = async (command, io) => {
  const core = await import('@modelship/core');
  const { renderHtmlReport } = await import('../report-html.js');
  const workspace = await openWorkspace(command, io, { provider: false });
  const only = command.values.model as string | undefined;
  const out = resolve(io.cwd, (command.values.out as string | undefined) ?? 'modelship-report.html');
  const { source, options } = await historySource(workspace.ledger, {
    location: workspace.ledgerLocation,
    env: workspace.env,
  });
  const trust = await ledgerTrust(workspace.config, io);
  const publicKey =
    trust.publicKey ??
    (trust.signingKey
      ? (core
          .createLedgerSigner(trust.signingKey)
          .publicKey.export({ type: 'spki', format: 'pem' }) as string)
      : undefined);
  // The history comes from the cache and the tail; the chain is checked in full, now.
  const [{ state, log }, chain] = await Promise.all([
    core.ledgerHistory(source, options),
    core.checkLedgerChain(source, publicKey ? { publicKey } : {}),
  ]);
  if (only && !state.models[only])
    assertKnownModel(only, Object.keys(state.models), workspace.ledgerLocation);
  const models = only ? [only] : Object.keys(state.models).sort();
  const { githubActions } = await import('../github.js');
  const runUrl = githubActions(io, command.json)?.runUrl;
  const byStage = new Map<string, ReturnType<typeof core.stageTenures>>();
  const html = renderHtmlReport({
    models,
    stages: workspace.config.stages,
    state,
    log,
    tenures: (model, stage) => {
      const key = `${model}\u0000${stage}`;
      if (!byStage.has(key)) byStage.set(key, core.stageTenures(log, model, stage));
      return byStage.get(key)!;
    },
    chain,
    ledgerLocation: workspace.ledgerLocation,
    generatedAt: new Date(),
    ...(runUrl ? { runUrl } : {}),
  });
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, html);
  const text = `wrote ${out}: ${models.length} model(s), ${log.records.filter((r) => models.includes(r.model)).length} promotion(s); ledger ${chain.ok ? 'verified' : `has ${chain.problems.length} problem(s)`} at #${chain.head.seq}`;
  return {
    exitCode: chain.ok ? exitCodes.ok : exitCodes.failed,
    ...(chain.ok ? {} : { failure: `${text}; run \`modelship ledger verify\`` }),
    json: { report: out, models, events: chain.events, verified: chain.ok, head: chain.head },
    text,
    outputs: { report: out },
    summary: `### modelship report\n\n${text.replace(out, `\`${out}\``)}`,
  };
};
