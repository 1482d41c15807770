import { createHash } from 'node:crypto';
import { canonicalJson } from '@modelship/manifest/verify';
import { z } from 'zod';

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

/** What a caller hands to `Ledger.append`: the ledger adds seq, id, prev and hash. */
export const ledgerEventInputSchema = z.looseObject({
  type: z.enum(ledgerEventTypes),
  at: z.iso.datetime(),
  model: z.string().min(1),
  version: z.string().min(1).optional(),
  stage: z.string().min(1).optional(),
  by: z.string().optional(),
  /** Set on the first event an idempotent call records. */
  idempotencyKey: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
});
export type LedgerEventInput = z.infer<typeof ledgerEventInputSchema>;

export const ledgerEventSchema = ledgerEventInputSchema.extend({
  schema: z.literal(ledgerEventSchemaId),
  seq: z.number().int().positive(),
  id: z.string().min(1),
  /** Hash of the previous event, or null for seq 1. */
  prev: z.string().nullable(),
  /** `sha256:` + hex SHA-256 of the canonical JSON of this event without `hash`. */
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
});
export type LedgerEvent = z.infer<typeof ledgerEventSchema>;

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
): LedgerEvent[] {
  const events: LedgerEvent[] = [];
  let seq = head.seq;
  let prev = head.hash;
  for (const input of inputs) {
    seq += 1;
    const unsealed = { ...input, schema: ledgerEventSchemaId, seq, id: eventId(seq), prev } as const;
    const hash = hashEvent(unsealed as Omit<LedgerEvent, 'hash'>);
    const event = { ...unsealed, hash } as LedgerEvent;
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
