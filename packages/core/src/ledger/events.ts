import { createHash } from 'node:crypto';
import { canonicalJson } from '@modelship/manifest/verify';
import { z } from 'zod';
import type { MappedStatus, UnifiedStatus } from '../contract/provider.js';
import type { GateReport, ModelVersion } from '../state/types.js';

export const ledgerEventSchemaId = 'modelship.ledger.event/v1';

/** Every kind of event the promoter records; see SPEC.md for the data each one carries. */
export const ledgerEventTypes = [
  'version.registered',
  'promotion.requested',
  'gates.evaluated',
  'approval.granted',
  'approval.rejected',
  'deploy.started',
  'deploy.succeeded',
  'deploy.failed',
] as const;
export type LedgerEventType = (typeof ledgerEventTypes)[number];

// Payload schemas are loose (unknown fields pass) so a ledger written by a newer modelship still
// reads; the fields named here are the ones the reducer relies on.
const refsSchema = z.record(z.string(), z.string());
const unifiedStatuses = [
  'pending',
  'running',
  'succeeded',
  'failed',
  'stopped',
  'pending-approval',
  'approved',
  'rejected',
  'deploying',
  'deployed',
  'unknown',
] as const satisfies readonly UnifiedStatus[];
const mappedStatusSchema: z.ZodType<MappedStatus> = z.looseObject({
  unified: z.enum(unifiedStatuses),
  raw: z.string(),
});

export const gateReportSchema: z.ZodType<GateReport> = z.looseObject({
  name: z.string(),
  kind: z.enum(['metric', 'challenger', 'manifest', 'approvals', 'previous-stage', 'custom']),
  verdict: z.enum(['pass', 'fail', 'pending']),
  inputs: z.record(z.string(), z.unknown()),
  message: z.string(),
});

export const modelVersionSchema: z.ZodType<ModelVersion> = z.looseObject({
  model: z.string(),
  id: z.string(),
  number: z.number(),
  registeredAt: z.string(),
  metrics: z.record(z.string(), z.number()),
  artifact: z.string().optional(),
  path: z.string().optional(),
  manifest: z.string().optional(),
  manifestDigest: z.string().optional(),
  evaluation: z.string().optional(),
  provenance: z.record(z.string(), z.unknown()).optional(),
  refs: refsSchema,
});

/** `approval.granted` `data.signature`, absent on unsigned approvals: see approval-signature.ts. */
export const approvalSignatureSchema = z.looseObject({
  /** The ledger head the approver signed (an event before the approval). */
  head: z.looseObject({ seq: z.number().int().positive(), hash: z.string().min(1) }),
  /** The armored SSH signature (`-----BEGIN SSH SIGNATURE-----`). */
  sshsig: z.string().min(1),
  /** The signing key's `SHA256:` fingerprint, for people reading the ledger; the key itself is in `sshsig`. */
  key: z.string().optional(),
});
export type ApprovalSignature = z.infer<typeof approvalSignatureSchema>;

/** Fields every payload may carry: the call's name and, on its last event, its result. */
const payload = <T extends z.core.$ZodLooseShape>(shape: T) =>
  z.looseObject({ operation: z.string().optional(), result: z.unknown().optional(), ...shape });

const payloads = {
  'version.registered': payload({ record: modelVersionSchema }),
  'promotion.requested': payload({ evaluation: z.unknown().optional() }),
  'gates.evaluated': payload({
    passed: z.boolean(),
    gates: z.array(gateReportSchema),
    approvalsRequired: z.number().int().nonnegative().optional(),
    approvers: z.array(z.string()).optional(),
  }),
  'approval.granted': payload({
    reason: z.string().optional(),
    signature: approvalSignatureSchema.optional(),
  }),
  'approval.rejected': payload({ reason: z.string().optional() }),
  'deploy.started': payload({
    replaces: z.string().nullable().optional(),
    rollback: z.boolean().optional(),
    deployKey: z.string().optional(),
    /** The process running the deploy (host name and pid), so a later call can tell it crashed. */
    runner: z.looseObject({ host: z.string(), pid: z.number().int() }).optional(),
  }),
  'deploy.succeeded': payload({
    endpoint: z.string().optional(),
    refs: refsSchema.optional(),
    status: mappedStatusSchema.optional(),
    rollback: z.boolean().optional(),
  }),
  'deploy.failed': payload({ error: z.looseObject({ code: z.string(), message: z.string() }) }),
};

const envelope = {
  at: z.iso.datetime(),
  model: z.string().min(1),
  version: z.string().min(1).optional(),
  stage: z.string().min(1).optional(),
  by: z.string().optional(),
  /** Set on the events an idempotent call records. */
  idempotencyKey: z.string().optional(),
};
const sealed = {
  schema: z.literal(ledgerEventSchemaId),
  seq: z.number().int().positive(),
  id: z.string().min(1),
  /** Hash of the previous event, or null for seq 1. */
  prev: z.string().nullable(),
  /** `sha256:` + hex SHA-256 of the canonical JSON of this event without `hash`. */
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
};

const inputOf = <T extends LedgerEventType>(type: T) =>
  z.looseObject({ type: z.literal(type), ...envelope, data: payloads[type] });
const storedOf = <T extends LedgerEventType>(type: T) =>
  z.looseObject({ type: z.literal(type), ...envelope, data: payloads[type], ...sealed });

/** What a caller hands to `Ledger.append`: the ledger adds seq, id, prev and hash. */
export const ledgerEventInputSchema = z.discriminatedUnion('type', [
  inputOf('version.registered'),
  inputOf('promotion.requested'),
  inputOf('gates.evaluated'),
  inputOf('approval.granted'),
  inputOf('approval.rejected'),
  inputOf('deploy.started'),
  inputOf('deploy.succeeded'),
  inputOf('deploy.failed'),
]);
export type LedgerEventInput = z.infer<typeof ledgerEventInputSchema>;
/** The `data` of one event type. */
export type EventData<T extends LedgerEventType> = Extract<LedgerEventInput, { type: T }>['data'];

/** A stored event of a type this version knows, with its chain fields. */
export const knownEventSchema = z.discriminatedUnion('type', [
  storedOf('version.registered'),
  storedOf('promotion.requested'),
  storedOf('gates.evaluated'),
  storedOf('approval.granted'),
  storedOf('approval.rejected'),
  storedOf('deploy.started'),
  storedOf('deploy.succeeded'),
  storedOf('deploy.failed'),
]);

/**
 * A stored event of a type a later modelship added. Readers keep it in the chain (its hash is
 * checked like any other) and the reducer skips it: see SPEC.md, "Event types".
 */
export const foreignEventSchema = z.looseObject({
  type: z.string().refine((type) => !(ledgerEventTypes as readonly string[]).includes(type)),
  ...envelope,
  data: z.record(z.string(), z.unknown()),
  ...sealed,
});

export const ledgerEventSchema = z.union([knownEventSchema, foreignEventSchema]);
export type KnownLedgerEvent = z.infer<typeof knownEventSchema>;
export type ForeignLedgerEvent = z.infer<typeof foreignEventSchema>;
export type LedgerEvent = KnownLedgerEvent | ForeignLedgerEvent;

export function isKnownEvent<E extends { type: string }>(event: E): event is Exclude<E, ForeignLedgerEvent> {
  return (ledgerEventTypes as readonly string[]).includes(event.type);
}

export function hashEvent(event: Omit<LedgerEvent, 'hash'> | LedgerEvent): string {
  const { hash: _ignored, ...rest } = event as LedgerEvent;
  return `sha256:${createHash('sha256').update(canonicalJson(rest)).digest('hex')}`;
}

let counter = 0;
function eventId(seq: number): string {
  counter = (counter + 1) % 0xffffff;
  return `evt_${seq.toString(36)}_${Date.now().toString(36)}_${process.pid.toString(36)}_${counter.toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** Chains inputs after `head` (the last event's seq and hash), producing complete events. */
export function chainEvents(
  inputs: readonly LedgerEventInput[],
  head: { seq: number; hash: string | null },
): KnownLedgerEvent[] {
  const events: KnownLedgerEvent[] = [];
  let seq = head.seq;
  let prev = head.hash;
  for (const input of inputs) {
    seq += 1;
    const unsealed = { ...input, schema: ledgerEventSchemaId, seq, id: eventId(seq), prev } as const;
    const hash = hashEvent(unsealed as Omit<LedgerEvent, 'hash'>);
    const event = { ...unsealed, hash } as KnownLedgerEvent;
    events.push(event);
    prev = hash;
  }
  return events;
}

export interface LedgerHead {
  seq: number;
  hash: string | null;
}

export const emptyHead: LedgerHead = { seq: 0, hash: null };
