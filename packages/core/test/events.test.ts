// The ledger's event union: each known type's data is checked against its schema, and an event
// type a later modelship adds stays in the chain while this reader's reducer skips it.
import { describe, expect, it } from 'vitest';
import {
  chainEvents,
  emptyState,
  hashEvent,
  type LedgerEvent,
  ledgerEventInputSchema,
  ledgerEventSchema,
  parseBatch,
  replay,
} from '../src/index.js';

const at = '2026-11-29T00:00:00.000Z';
const record = { model: 'm', id: 'v1', number: 1, registeredAt: at, metrics: {}, refs: {} };

describe('typed ledger events', () => {
  it('checks each type’s data and keeps fields it does not know', () => {
    const started = {
      type: 'deploy.started',
      at,
      model: 'm',
      version: 'v1',
      stage: 's',
      data: { replaces: null },
    };
    expect(ledgerEventInputSchema.safeParse(started).success).toBe(true);
    const extra = { ...started, data: { replaces: null, fromTheFuture: 1 }, note: 'x' };
    expect(ledgerEventInputSchema.parse(extra)).toMatchObject({ note: 'x', data: { fromTheFuture: 1 } });
    const bad = {
      type: 'gates.evaluated',
      at,
      model: 'm',
      version: 'v1',
      stage: 's',
      data: { passed: 'yes' },
    };
    expect(ledgerEventInputSchema.safeParse(bad).success).toBe(false);
    const failed = { type: 'deploy.failed', at, model: 'm', version: 'v1', stage: 's', data: {} };
    expect(ledgerEventInputSchema.safeParse(failed).success).toBe(false);
  });

  it('an unknown future event type is read, hash-checked and skipped by the reducer', () => {
    const [registered] = chainEvents(
      [{ type: 'version.registered', at, model: 'm', version: 'v1', data: { record } }],
      { seq: 0, hash: null },
    );
    const unsealed = {
      type: 'model.renamed',
      at,
      model: 'm',
      data: { to: 'n' },
      schema: 'modelship.ledger.event/v1',
      seq: 2,
      id: 'evt_future',
      prev: registered?.hash ?? null,
    } as const;
    const future = { ...unsealed, hash: hashEvent(unsealed as unknown as LedgerEvent) };
    expect(ledgerEventSchema.safeParse(future).success).toBe(true);
    const text = `${JSON.stringify(registered)}\n${JSON.stringify(future)}\n`;
    const events = parseBatch(text, 1);
    expect(events.map((event) => event.type)).toEqual(['version.registered', 'model.renamed']);
    const state = replay(events, emptyState);
    expect(state.seq).toBe(2);
    expect(state.hash).toBe(future.hash);
    expect(Object.keys(state.models)).toEqual(['m']);
    // Edited, it is refused like any other event.
    expect(() => parseBatch(text.replace('"to":"n"', '"to":"o"'), 1)).toThrow(/was edited/);
  });
});
