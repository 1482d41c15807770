#!/usr/bin/env node
// The workflow's last step: register the model `modelship-pachyderm train --json` reported, with
// its Pachyderm lineage as provenance, and promote it to staging (which moves regression@staging).
//   node ci-register.mjs train.json lineage.json   (env: as for modelship-pachyderm; MODELSHIP_LEDGER_DIR)
import { readFileSync } from 'node:fs';
import { createConsoleLogger, createPromoter, createProviderContext, openFileLedger } from '@modelship/core';
import { createPachydermProvider } from '@modelship/provider-pachyderm';

const [trainFile, lineageFile] = process.argv.slice(2);
if (!trainFile || !lineageFile) {
  console.error('usage: node ci-register.mjs train.json lineage.json');
  process.exit(2);
}
const trained = JSON.parse(readFileSync(trainFile, 'utf8'));
const lineage = JSON.parse(readFileSync(lineageFile, 'utf8'));
const token = process.env.PACHYDERM_AUTH_TOKEN;
const context = createProviderContext({ logger: createConsoleLogger(), secrets: [token] });
// Connection settings (PACHCTL, PACHD_ADDRESS, PACHYDERM_AUTH_TOKEN…) come from the environment.
const provider = createPachydermProvider({ modelRepo: 'regression' });
const promoter = createPromoter({
  config: {
    version: 1,
    stages: ['staging', 'production'],
    gates: { staging: { metrics: { r2: '>= 0.6' } } },
  },
  ledger: openFileLedger(process.env.MODELSHIP_LEDGER_DIR ?? '.modelship'),
  provider,
  context,
});
const version = await promoter.register({
  model: 'housing',
  artifact: trained.artifact,
  metrics: trained.metrics,
  refs: trained.refs,
  provenance: { pachyderm: lineage },
});
const result = await promoter.promote({ model: 'housing', version: version.id, to: 'staging' });
console.log(`${version.id} → staging: ${result.outcome}`);
await promoter.flush();
process.exitCode = result.outcome === 'promoted' ? 0 : 1;
