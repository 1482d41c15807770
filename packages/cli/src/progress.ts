import type { CliStream } from './io.js';

export interface ProgressEventLike {
  task: string;
  done: number;
  total?: number;
  unit?: 'bytes' | 'files' | 'steps' | 'seconds';
  finished?: boolean;
}

function amount(value: number, unit: ProgressEventLike['unit']): string {
  if (unit !== 'bytes') return `${Math.round(value)}${unit && unit !== 'steps' ? ` ${unit}` : ''}`;
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let scaled = value;
  let index = 0;
  while (scaled >= 1024 && index < units.length - 1) {
    scaled /= 1024;
    index += 1;
  }
  return `${scaled.toFixed(index === 0 ? 0 : 1)} ${units[index]}`;
}

export interface CliProgressOptions {
  /** Bar redraws at most this often on a terminal. */
  redrawMs?: number;
  /** Off a terminal, one plain line per task at most this often (and a last one when it ends). */
  lineEveryMs?: number;
  now?: () => number;
}

/**
 * Hashing, uploads and waits on remote jobs report here: a redrawn bar on a TTY, periodic
 * plain lines otherwise (CI logs), nothing for tasks that finish before the first line is due.
 */
export function createCliProgress(stream: CliStream, options: CliProgressOptions = {}) {
  const tty = stream.isTTY === true;
  const redrawMs = options.redrawMs ?? 100;
  const lineEveryMs = options.lineEveryMs ?? 5_000;
  const now = options.now ?? Date.now;
  const tasks = new Map<string, { started: number; last: number; printed: boolean }>();
  const describe = (event: ProgressEventLike) => {
    if (event.total === undefined || event.total <= 0)
      return `${event.task}: ${amount(event.done, event.unit)}`;
    const fraction = Math.min(1, event.done / event.total);
    if (!tty)
      return `${event.task}: ${Math.round(fraction * 100)}% (${amount(event.done, event.unit)} of ${amount(event.total, event.unit)})`;
    const width = 24;
    const filled = Math.round(fraction * width);
    return `${event.task} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ${amount(event.done, event.unit)}/${amount(event.total, event.unit)}`;
  };
  return (event: ProgressEventLike): void => {
    const time = now();
    let state = tasks.get(event.task);
    if (!state) {
      state = { started: time, last: time, printed: false };
      tasks.set(event.task, state);
    }
    if (tty) {
      if (event.finished || time - state.last >= redrawMs) {
        state.last = time;
        state.printed = true;
        stream.write(`\r${describe(event)}\x1b[K${event.finished ? '\n' : ''}`);
      }
    } else if (time - state.last >= lineEveryMs || (event.finished && state.printed)) {
      state.last = time;
      state.printed = true;
      stream.write(`${describe(event)}${event.finished ? ' done' : ''}\n`);
    }
    if (event.finished) tasks.delete(event.task);
  };
}
