// Where a time-travel query stops: an event sequence number (`#1200`) or an instant
// (`2026-03-03T12:00:00Z`). The ledger's order is the truth, so a time cut is a prefix: replay
// stops at the first event recorded after the instant, even if a later one carries an earlier
// clock (a skewed writer) — the board "as it was known then".
import { InvalidInputError } from '../contract/errors.js';

export type CutPoint = { kind: 'seq'; seq: number } | { kind: 'time'; at: string; ms: number };

// A time needs its zone (Z or ±hh:mm): "2026-03-03" alone would silently mean midnight somewhere.
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses `--at`; throws InvalidInputError saying which forms are accepted. */
export function parseCutPoint(text: string, flag = '--at'): CutPoint {
  const value = text.trim();
  const seq = /^#(\d+)$/.exec(value);
  if (seq) {
    const n = Number(seq[1]);
    if (!Number.isSafeInteger(n) || n < 1)
      throw new InvalidInputError(`${flag} ${text}: an event number starts at #1`);
    return { kind: 'seq', seq: n };
  }
  const ms = isoInstant.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidInputError(
      `${flag} "${text}" is neither an ISO-8601 time with a zone (e.g. 2026-03-03T12:00:00Z) nor an event number (e.g. #1200)`,
    );
  }
  return { kind: 'time', at: new Date(ms).toISOString(), ms };
}

/** True when the event lies after the cut (replay stops before it). */
export function isPastCut(event: { seq: number; at: string }, cut: CutPoint): boolean {
  return cut.kind === 'seq' ? event.seq > cut.seq : Date.parse(event.at) > cut.ms;
}

export function describeCut(cut: CutPoint): string {
  return cut.kind === 'seq' ? `#${cut.seq}` : cut.at;
}
