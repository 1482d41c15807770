import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CommandRunner } from '../command.js';
import { UsageError } from '../exit-codes.js';

/** The file `modelship init` writes: every key the config schema knows, explained. */
export const configTemplate = `# modelship configuration (schema version 1). Docs: SPEC.md in @modelship/core (node_modules/@modelship/core/SPEC.md)
version: 1

# Stages in promotion order: a version moves left to right.
stages: [development, staging, production]

# Gates per stage, for every model. A promotion into the stage runs them all.
gates:
  staging:
    # Absolute thresholds on the version's registered metrics: ">= x", "<= x", "> x", "< x", "== x".
    metrics:
      r2: ">= 0.5"
  production:
    metrics:
      r2: ">= 0.6"
    # Beat the stage's current champion, evaluated on the same held-out set.
    challenger:
      metric: rmse
      direction: lower      # lower is better for rmse
      minImprovement: 0.05  # by at least this much (absolute)

# Approvals per stage: how many people must approve before a version enters it.
approvals:
  production:
    count: 1
    approvers: []            # empty: anyone may approve
    allowSelfApproval: false # the person who promoted cannot approve their own request
    # allowedSigners: .github/allowed_signers  # OpenSSH allowed_signers: approvals must be SSH-signed (approve --sign-key)

# Per-model overrides (gates, approvals, provider), by model name.
models: {}

# Provider settings by name. Secrets never go here: name the environment variable instead (…Env: VAR).
providers:
  local:
    root: .modelship

# Where the tamper-evident ledger lives: a directory, or S3 (type: s3, bucket, prefix, region).
ledger:
  type: file
  dir: .modelship

# A stage left deploying by a run that is gone is reconciled by the next promote after this long.
deploy:
  staleAfter: 30m

# Who hears about promotions, e.g. - { type: slack, webhookUrlEnv: SLACK_WEBHOOK_URL }
notifiers: []
`;

export const runInit: CommandRunner = async (command, io) => {
  const path = join(io.cwd, command.config ?? 'modelship.config.yaml');
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new UsageError(
      `init: ${path} is a directory; name the config file to write, e.g. --config ${join(command.config ?? '.', 'modelship.config.yaml')}`,
    );
  }
  if (!existsSync(dirname(path))) {
    throw new UsageError(
      `init: the directory ${dirname(path)} does not exist; create it first or pick another --config`,
    );
  }
  if (existsSync(path) && command.values.force !== true) {
    throw new UsageError(`init: ${path} already exists; pass --force to overwrite it`);
  }
  await writeFile(path, configTemplate);
  return { exitCode: 0, json: { ok: true, path }, text: `wrote ${path}`, outputs: { status: 'written' } };
};
