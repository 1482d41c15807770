import { z } from 'zod';

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-"');
const envName = z
  .string()
  .regex(
    /^[A-Z_][A-Z0-9_]*$/,
    'an environment variable NAME (e.g. SLACK_WEBHOOK_URL), never the secret itself',
  );

/** `">= 0.9"`, `"<= 6.0"`, or `{ op: ">=", value: 0.9 }`. */
export const thresholdSchema = z.union([
  z
    .string()
    .regex(
      /^\s*(>=|<=|>|<|==)\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/,
      'expected a comparison such as ">= 0.9" or "<= 6.0"',
    ),
  z.strictObject({ op: z.enum(['>=', '<=', '>', '<', '==']), value: z.number() }),
]);
export type Threshold = z.infer<typeof thresholdSchema>;

export const stageGatesSchema = z.strictObject({
  metrics: z.record(z.string(), thresholdSchema).optional(),
  challenger: z
    .strictObject({
      metric: z.string().min(1),
      direction: z.enum(['higher', 'lower']).default('higher'),
      /** Absolute improvement over the champion on the same evaluation. */
      minImprovement: z.number().min(0).default(0),
    })
    .optional(),
  /** Verify the version's manifest against its stored artifact before entering the stage. */
  manifest: z.boolean().optional(),
  /** Require the version to have been deployed in the previous stage (default true). */
  previousStage: z.boolean().optional(),
});
export type StageGates = z.infer<typeof stageGatesSchema>;

export const approvalPolicySchema = z.strictObject({
  count: z.number().int().min(0).default(1),
  /** Who may approve; empty means anyone. */
  approvers: z.array(z.string().min(1)).default([]),
  /** May the person who asked for the promotion approve it too? */
  allowSelfApproval: z.boolean().default(false),
  /**
   * An OpenSSH allowed_signers file (path from the working directory): every approval must then be
   * signed (`approve --sign-key`) by a key it lists for the approver's name. SPEC.md, "Signed approvals".
   */
  allowedSigners: z.string().min(1).optional(),
});
export type ApprovalPolicy = z.infer<typeof approvalPolicySchema>;

/**
 * Approvals per stage (`approvals.<stage>`), plus `trustByFlag`: in GitHub Actions `approve --by X`
 * is refused unless X is `GITHUB_ACTOR`, or this is true (e.g. a bot that approves on someone's behalf).
 */
export const approvalsSchema = z
  .object({ trustByFlag: z.boolean().optional() })
  .catchall(approvalPolicySchema);
export type ApprovalsConfig = z.infer<typeof approvalsSchema>;

/** Keys of `approvals` that are settings, not stage names. */
export const approvalSettingKeys: readonly string[] = ['trustByFlag'];

export const modelConfigSchema = z.strictObject({
  provider: z.string().optional(),
  gates: z.record(name, stageGatesSchema).optional(),
  approvals: z.record(name, approvalPolicySchema).optional(),
});
export type ModelConfig = z.infer<typeof modelConfigSchema>;

/** Keys that make the ledger forgery-evident; see SPEC.md, threat model. */
const ledgerTrustConfig = {
  /** The variable holding an ed25519 private key (PEM): every batch written is signed. */
  signingKeyEnv: envName.optional(),
  /** Path of the ed25519 public key (PEM) every batch must be signed with. */
  publicKey: z.string().min(1).optional(),
};

export const ledgerConfigSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('file'), dir: z.string().default('.modelship'), ...ledgerTrustConfig }),
  z.strictObject({
    ...ledgerTrustConfig,
    type: z.literal('s3'),
    bucket: z.string().min(3),
    prefix: z.string().default('modelship/'),
    region: z.string().optional(),
    endpoint: z.string().url().optional(),
  }),
]);
export type LedgerConfig = z.infer<typeof ledgerConfigSchema>;

/** `"90s"`, `"30m"`, `"2h"`, `"500ms"`: see `durationMs`. */
export const durationSchema = z
  .string()
  .regex(/^\s*\d+(\.\d+)?\s*(ms|s|m|h)\s*$/, 'expected a duration such as "30s", "15m" or "2h"');

/** A duration (`durationSchema`) in milliseconds. */
export function durationMs(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a duration such as "30s", "15m" or "2h"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

/** Default of `deploy.staleAfter`: longer than a slow platform deploy (SageMaker endpoints take ~10 min). */
export const defaultStaleAfter = '30m';

export const deployConfigSchema = z.strictObject({
  /**
   * A stage left `deploying` longer than this by a run that is gone is reconciled by the next
   * promote/deploy/rollback of that stage (sooner when the run's pid is provably gone on this host).
   */
  staleAfter: durationSchema.default(defaultStaleAfter),
});

export const notifierConfigSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('slack'),
    /** Slack incoming-webhook URLs are secrets: name the variable that holds one. */
    webhookUrlEnv: envName,
    events: z.array(z.string()).optional(),
  }),
  z.strictObject({
    type: z.literal('webhook'),
    url: z.string().url().optional(),
    urlEnv: envName.optional(),
    secretEnv: envName,
    events: z.array(z.string()).optional(),
  }),
]);
export type NotifierConfig = z.infer<typeof notifierConfigSchema>;

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1).default(1),
  /** Ordered stages; promotion moves left to right. */
  stages: z
    .array(name)
    .min(1)
    .default(['development', 'staging', 'production'])
    .refine((stages) => new Set(stages).size === stages.length, 'stage names must be unique'),
  /** Gates per stage for every model; a model's own `gates` replace them stage by stage. */
  gates: z.record(name, stageGatesSchema).default({}),
  /** Approvals per stage, separate from the stage itself. */
  approvals: approvalsSchema.default({}),
  models: z.record(name, modelConfigSchema).default({}),
  /** Provider settings by provider name; secrets by environment variable name only. */
  providers: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  ledger: ledgerConfigSchema.default({ type: 'file', dir: '.modelship' }),
  notifiers: z.array(notifierConfigSchema).default([]),
  deploy: deployConfigSchema.default({ staleAfter: defaultStaleAfter }),
});
export type ModelshipConfig = z.infer<typeof configSchema>;
export type ModelshipConfigInput = z.input<typeof configSchema>;
