import { createReplayer } from '../state/reducer.js';
import { emptyState, type LedgerState } from '../state/types.js';
import { LedgerIntegrityError, type LedgerProblem } from './errors.js';
import { hashEvent, type LedgerEvent, type LedgerHead, ledgerEventSchema } from './events.js';
import { splitBatch } from './signing.js';

function parseLines(text: string, firstSeq: number): { events: LedgerEvent[]; problems: LedgerProblem[] } {
  const events: LedgerEvent[] = [];
  const problems: LedgerProblem[] = [];
  const { lines } = splitBatch(text);
  lines.forEach((line, index) => {
    const seq = firstSeq + index;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push({ seq, kind: 'unreadable', message: `event ${seq} is not valid JSON` });
      return;
    }
    const parsed = ledgerEventSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push({
        seq,
        id: (value as { id?: string })?.id,
        kind: 'edited',
        message: `event ${seq} does not match the event schema at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
      });
      return;
    }
    events.push(value as LedgerEvent);
  });
  return { events, problems };
}

/** Parses one stored batch for reading; throws LedgerIntegrityError if it was tampered with. */
export function parseBatch(text: string, firstSeq: number): LedgerEvent[] {
  const { events, problems } = parseLines(text, firstSeq);
  events.forEach((event, index) => {
    if (event.seq !== firstSeq + index) {
      problems.push({
        seq: event.seq,
        id: event.id,
        kind: 'reordered',
        message: `event ${event.id} has seq ${event.seq} but is stored at position ${firstSeq + index}`,
      });
    } else if (hashEvent(event) !== event.hash) {
      problems.push({
        seq: event.seq,
        id: event.id,
        kind: 'edited',
        message: `event ${event.seq} (${event.id}) was edited: its content no longer matches its hash`,
      });
    }
  });
  if (problems.length) {
    throw new LedgerIntegrityError(
      `ledger batch ${firstSeq} is damaged: ${problems.map((p) => p.message).join('; ')}; run \`modelship ledger verify\``,
      problems,
    );
  }
  return events;
}

export interface ChainCheck {
  problems: LedgerProblem[];
  count: number;
  head: LedgerHead;
  /** State replayed up to `stateAtSeq`, when asked for and reachable. */
  stateAt?: LedgerState;
  /** Every event that parsed, in stored order. */
  events: LedgerEvent[];
}

/** Checks every event's hash, seq continuity, prev links, and that the events replay legally. */
export function checkChain(
  batches: readonly { firstSeq: number; text: string | null }[],
  stateAtSeq?: number,
): ChainCheck {
  const problems: LedgerProblem[] = [];
  let expectedSeq = 1;
  let prev: string | null = null;
  let count = 0;
  const replayer = createReplayer(emptyState);
  let stateAt: LedgerState | undefined = stateAtSeq === 0 ? emptyState : undefined;
  let replayable = true;
  const events: LedgerEvent[] = [];
  for (const batch of batches) {
    if (batch.text === null) continue;
    const parsed = parseLines(batch.text, batch.firstSeq);
    problems.push(...parsed.problems);
    events.push(...parsed.events);
    if (batch.firstSeq !== expectedSeq) {
      problems.push({
        seq: expectedSeq,
        kind: batch.firstSeq > expectedSeq ? 'missing' : 'reordered',
        message:
          batch.firstSeq > expectedSeq
            ? `events ${expectedSeq}..${batch.firstSeq - 1} are missing (the ledger jumps to ${batch.firstSeq})`
            : `batch ${batch.firstSeq} overlaps events already seen before ${expectedSeq}`,
      });
    }
    parsed.events.forEach((event, index) => {
      count += 1;
      const position = batch.firstSeq + index;
      const name = `event ${event.seq} (${event.id}, ${event.type})`;
      if (hashEvent(event) !== event.hash) {
        problems.push({
          seq: position,
          id: event.id,
          kind: 'edited',
          message: `${name} was edited: its content no longer matches its hash`,
        });
      } else if (event.seq !== position) {
        problems.push({
          seq: position,
          id: event.id,
          kind: 'reordered',
          message: `position ${position} holds ${name}: events were moved`,
        });
      } else if (event.seq === expectedSeq && event.prev !== prev) {
        problems.push({
          seq: event.seq,
          id: event.id,
          kind: 'reordered',
          message: `${name} does not link to the event before it (prev hash differs): an event was removed, replaced or moved`,
        });
      }
      if (replayable) {
        try {
          replayer.apply(event);
          if (event.seq === stateAtSeq) stateAt = replayer.snapshot();
        } catch (error) {
          replayable = false;
          problems.push({
            seq: event.seq,
            id: event.id,
            kind: 'invalid',
            message: `${name} cannot be applied: ${(error as Error).message}`,
          });
        }
      }
      expectedSeq = position + 1;
      prev = event.hash;
    });
  }
  return { problems, count, head: { seq: expectedSeq - 1, hash: prev }, stateAt, events };
}
