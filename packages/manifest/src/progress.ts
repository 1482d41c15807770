export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Large inputs get a bar on a terminal, else one plain line before and one after; small ones stay quiet. */
const barThreshold = 64 << 20;
const redrawEveryMs = 100;

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function createProgress(stream: ProgressStream, verb: string) {
  let total = 0;
  let done = 0;
  let started = 0;
  let lastDraw = 0;
  let bar = false;
  let large = false;
  const draw = () => {
    const fraction = total === 0 ? 1 : done / total;
    const width = 30;
    const filled = Math.round(fraction * width);
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? `${formatBytes(done / seconds)}/s` : '';
    stream.write(
      `\r${verb} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ` +
        `${formatBytes(done)}/${formatBytes(total)} ${rate}   `,
    );
  };
  return {
    start(totalBytes: number) {
      total = totalBytes;
      started = Date.now();
      large = totalBytes >= barThreshold;
      bar = large && stream.isTTY === true;
      if (large && !bar) stream.write(`${verb} ${formatBytes(totalBytes)}...\n`);
    },
    advance(bytes: number) {
      done += bytes;
      if (!bar) return;
      const now = Date.now();
      if (now - lastDraw >= redrawEveryMs) {
        lastDraw = now;
        draw();
      }
    },
    finish() {
      if (bar) {
        draw();
        stream.write('\n');
      } else if (large) {
        const seconds = (Date.now() - started) / 1000;
        stream.write(`${verb} done: ${formatBytes(done)} in ${seconds.toFixed(1)} s\n`);
      }
    },
    formatBytes,
  };
}
