#!/usr/bin/env node
// Sends the ledger events after --from-seq through modelship's notifiers (config `notifiers`),
// so each workflow posts Slack notices at its start (deploy.started) and end (deploy.succeeded/failed).
//   node notify.mjs --from-seq N [--config modelship.config.yaml]   → prints the last seq
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { 'from-seq': { type: 'string' }, config: { type: 'string' } } });
const core = await import('@modelship/core');
const { config } = await core.loadConfig(values.config ?? process.cwd());
const ledger = core.openFileLedger(config.ledger.type === 'file' ? config.ledger.dir : '.modelship');
const events = await ledger.read({ fromSeq: Number(values['from-seq'] ?? 0) + 1 });
const notifiers = core.createNotifiers(config.notifiers, { env: process.env });
for (const event of events) await Promise.all(notifiers.map((notifier) => notifier.notify(event)));
console.log(String(events.at(-1)?.seq ?? values['from-seq'] ?? 0));
