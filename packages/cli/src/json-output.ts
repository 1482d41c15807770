// The documented `--json` outputs, as zod schemas (tolerant: unknown fields pass, so adding a
// field is not a breaking change). README.md shows them; the end-to-end tests parse real output with them.
import { z } from 'zod';

const metrics = z.record(z.string(), z.number());
const refs = z.record(z.string(), z.string());

export const gateReportJson = z.looseObject({
  name: z.string(),
  kind: z.enum(['metric', 'challenger', 'manifest', 'approvals', 'previous-stage', 'custom']),
  verdict: z.enum(['pass', 'fail', 'pending']),
  inputs: z.record(z.string(), z.unknown()),
  message: z.string(),
});

export const stageJson = z.looseObject({
  name: z.string(),
  champion: z
    .looseObject({ version: z.string(), metrics, endpoint: z.string().optional(), refs, since: z.string() })
    .nullable(),
  challengers: z.array(z.looseObject({ version: z.string(), status: z.string(), since: z.string() })),
  pendingApprovals: z.array(
    z.looseObject({
      version: z.string(),
      required: z.number().int(),
      granted: z.array(z.string()),
      approvers: z.array(z.string()),
    }),
  ),
});

/** `modelship status <model> --json` */
export const statusJson = z.looseObject({ model: z.string(), stages: z.array(stageJson) });

/** `modelship status --json` (every model) */
export const statusAllJson = z.looseObject({ models: z.array(statusJson) });

/** `modelship register … --json` and `modelship train --register --json` */
export const registerJson = z.looseObject({
  model: z.string(),
  version: z.string(),
  number: z.number().int().positive(),
  metrics,
  manifestDigest: z.string().optional(),
  uri: z.string().optional(),
  refs,
  registeredAt: z.string(),
});

/** `modelship promote|approve|reject|deploy|rollback … --json` */
export const promotionJson = z.looseObject({
  outcome: z.enum([
    'promoted',
    'rolled-back',
    'pending-approval',
    'gate-failed',
    'deploy-failed',
    'already-done',
    'rejected',
  ]),
  model: z.string(),
  version: z.string(),
  stage: z.string(),
  gates: z.array(gateReportJson),
  deploy: z
    .looseObject({
      status: z.looseObject({ unified: z.string(), raw: z.string() }),
      endpoint: z.string().optional(),
    })
    .optional(),
  /** Provider tags that could not be mirrored (the decision is recorded regardless). */
  warnings: z
    .array(z.looseObject({ type: z.string(), feature: z.string().optional(), message: z.string() }))
    .optional(),
  /** Why the deploy failed, for `deploy-failed`. */
  error: z.looseObject({ code: z.string(), message: z.string() }).optional(),
  board: statusJson,
});

/** `modelship history <model> --json` */
export const historyJson = z.looseObject({
  model: z.string(),
  events: z.array(
    z.looseObject({
      seq: z.number().int(),
      type: z.string(),
      at: z.string(),
      version: z.string().optional(),
      stage: z.string().optional(),
      hash: z.string(),
    }),
  ),
});

/** `modelship ledger verify --json` */
export const ledgerVerifyJson = z.looseObject({
  ok: z.boolean(),
  events: z.number().int(),
  problems: z.array(z.unknown()),
  location: z.string(),
});

/** Any command that failed, with --json: the document on stdout, the message also on stderr. */
export const errorJson = z.looseObject({
  ok: z.literal(false),
  exitCode: z.number().int().min(1).max(4),
  error: z.looseObject({ code: z.string(), message: z.string() }),
});

/** `asOf` of `modelship status --at … --json`: the cut asked for, and the last event replayed. */
export const asOfJson = z.looseObject({
  at: z.string(),
  seq: z.number().int().nonnegative(),
  lastEventAt: z.string().nullable(),
});

/** `modelship history <model> --stage S --json`: each champion's tenure, oldest first. */
export const tenuresJson = z.looseObject({
  model: z.string(),
  stage: z.string(),
  tenures: z.array(
    z.looseObject({
      version: z.string(),
      from: z.string(),
      to: z.string().nullable(),
      arrival: z.enum(['promotion', 'rollback', 'redeploy']),
      requestedBy: z.string().optional(),
      approvedBy: z.array(z.string()),
      gateSummary: z.string(),
      endpoint: z.string().optional(),
    }),
  ),
});

/** `modelship report --json` */
export const reportJson = z.looseObject({
  report: z.string(),
  models: z.array(z.string()),
  events: z.number().int().nonnegative(),
  verified: z.boolean(),
});
