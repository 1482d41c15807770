// The report's SVG charts: champions over time per stage, and each gated metric across versions.
import type { PromotionRecord } from '@modelship/core';
import { esc, type HtmlReportInput, paged, stageNames, time, timelineBars } from './report-html-kit.js';

/** Per stage, one bar per champion along a shared time axis (the latest `timelineBars` per stage). */
export function timeline(input: HtmlReportInput, model: string): string {
  const lanes = stageNames(input, model)
    .map((stage) => ({ stage, tenures: input.tenures(model, stage) }))
    .filter((lane) => lane.tenures.length > 0);
  if (lanes.length === 0) return '<p class="timeline">No champion in any stage yet.</p>';
  const now = input.generatedAt.getTime();
  const shown = lanes.map((lane) => ({ ...lane, bars: lane.tenures.slice(-timelineBars) }));
  const start = Math.min(...shown.map((lane) => Date.parse(lane.bars[0]!.from)));
  const end = Math.max(now, start + 1);
  const [left, width, laneHeight] = [110, 860, 34];
  const x = (ms: number) => left + ((ms - start) / (end - start)) * width;
  const height = 30 + shown.length * laneHeight;
  const palette = ['#0969da', '#8250df', '#1a7f37', '#bf3989', '#9a6700', '#cf222e'];
  const parts: string[] = [];
  shown.forEach((lane, row) => {
    const y = 10 + row * laneHeight;
    parts.push(`<text x="4" y="${y + 18}">${esc(lane.stage)}</text>`);
    lane.bars.forEach((t, i) => {
      const from = x(Date.parse(t.from));
      const to = x(t.to ? Date.parse(t.to) : now);
      const w = Math.max(2, to - from);
      const label = `${t.version} in ${lane.stage}: ${t.from} → ${t.to ?? 'now'} (${t.arrival}${t.approvedBy.length ? `, approved by ${t.approvedBy.join(', ')}` : ''})`;
      parts.push(
        `<g class="tenure" data-stage="${esc(lane.stage)}" data-version="${esc(t.version)}"><title>${esc(label)}</title><rect x="${from.toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="22" rx="3" fill="${palette[i % palette.length]}" opacity="${t.to ? 0.55 : 0.95}"/>${w > 40 ? `<text x="${(from + 4).toFixed(1)}" y="${y + 19}" style="fill:#fff">${esc(t.version)}</text>` : ''}</g>`,
      );
    });
  });
  parts.push(
    `<text x="${left}" y="${height - 4}" class="muted">${esc(new Date(start).toISOString().slice(0, 16))}</text><text x="${left + width}" y="${height - 4}" text-anchor="end">now</text>`,
  );
  const svg = `<svg class="timeline" role="img" aria-label="${esc(`champions of ${model} per stage over time`)}" viewBox="0 0 ${left + width + 20} ${height}" width="${left + width + 20}" height="${height}">${parts.join('')}</svg>`;
  const cut = shown.filter((lane) => lane.tenures.length > lane.bars.length);
  const tables = lanes
    .map(
      (lane) =>
        `<details><summary>${esc(lane.stage)}: ${lane.tenures.length} champion(s)</summary>${paged(
          [...lane.tenures].reverse(),
          ['version', 'from', 'to', 'arrived by', 'approved by', 'gates'],
          (t) => [
            `<strong>${esc(t.version)}</strong>`,
            time(t.from),
            t.to ? time(t.to) : 'now',
            esc(t.arrival),
            esc(t.approvedBy.join(', ') || '—'),
            esc(t.gateSummary),
          ],
        )}</details>`,
    )
    .join('');
  return `${svg}${cut.length ? `<p class="muted">The chart shows the latest ${timelineBars} champions per stage; the tables below hold all of them.</p>` : ''}${tables}`;
}

interface Threshold {
  /** Stages gating on this bound, e.g. `staging, production`. */
  stages: string[];
  op: string;
  value: number;
}

/**
 * One SVG line chart per gated metric: the metric of every version, and each threshold a metric
 * gate applied (one line per bound, naming its stages). A challenger gate's metric is charted
 * too; its bar moves with the champion, so it has no line.
 */
export function metricCharts(
  input: HtmlReportInput,
  model: string,
  records: readonly PromotionRecord[],
): string {
  const gated = new Map<string, Map<string, Threshold>>();
  for (const record of records)
    for (const gate of record.gates) {
      const i = gate.inputs as Record<string, unknown>;
      if ((gate.kind !== 'metric' && gate.kind !== 'challenger') || typeof i.metric !== 'string') continue;
      const bounds = gated.get(i.metric) ?? new Map<string, Threshold>();
      gated.set(i.metric, bounds);
      if (gate.kind !== 'metric' || typeof i.threshold !== 'number') continue;
      const key = `${i.op} ${i.threshold}`;
      const bound = bounds.get(key) ?? { stages: [], op: String(i.op ?? ''), value: i.threshold };
      if (!bound.stages.includes(record.stage)) bound.stages.push(record.stage);
      bounds.set(key, bound);
    }
  if (gated.size === 0) return '<p>No metric gate has been evaluated for this model.</p>';
  const versions = Object.values(input.state.models[model]?.versions ?? {}).sort(
    (a, b) => a.number - b.number,
  );
  return [...gated]
    .map(([metric, bounds]) => metricChart(model, metric, versions, [...bounds.values()]))
    .join('');
}

function metricChart(
  model: string,
  metric: string,
  versions: readonly { id: string; number: number; metrics: Record<string, number> }[],
  thresholds: readonly Threshold[],
): string {
  const points = versions
    .filter((v) => Number.isFinite(v.metrics[metric]))
    .map((v) => ({ id: v.id, value: v.metrics[metric]! }));
  const values = [...points.map((p) => p.value), ...thresholds.map((t) => t.value)];
  if (values.length === 0) return `<p>No version of ${esc(model)} records ${esc(metric)}.</p>`;
  let [low, high] = [Math.min(...values), Math.max(...values)];
  if (low === high) [low, high] = [low - 1, high + 1];
  const pad = (high - low) * 0.08;
  [low, high] = [low - pad, high + pad];
  const [left, top, width, height] = [60, 12, 860, 200];
  const x = (i: number) => left + (points.length <= 1 ? width / 2 : (i / (points.length - 1)) * width);
  const y = (value: number) => top + (1 - (value - low) / (high - low)) * height;
  const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toPrecision(4));
  const parts = [
    `<line x1="${left}" y1="${top + height}" x2="${left + width}" y2="${top + height}" stroke="#8c959f"/>`,
    `<text x="4" y="${y(high - pad) + 4}">${esc(fmt(high - pad))}</text><text x="4" y="${y(low + pad) + 4}">${esc(fmt(low + pad))}</text>`,
  ];
  thresholds.forEach((t) => {
    const ty = y(t.value).toFixed(1);
    parts.push(
      `<g class="threshold"><line x1="${left}" y1="${ty}" x2="${left + width}" y2="${ty}" stroke="#cf222e" stroke-dasharray="6 4"/><text x="${left + width - 4}" y="${Number(ty) - 4}" text-anchor="end" style="fill:#cf222e">${esc(`${t.stages.join(', ')}: ${metric} ${t.op} ${fmt(t.value)}`)}</text></g>`,
    );
  });
  if (points.length > 1)
    parts.push(
      `<polyline fill="none" stroke="#0969da" stroke-width="2" points="${points.map((p, i) => `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')}"/>`,
    );
  const dots = points.length <= 300;
  points.forEach((p, i) => {
    if (dots || i === 0 || i === points.length - 1)
      parts.push(
        `<circle cx="${x(i).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3.5" fill="#0969da"><title>${esc(`${p.id}: ${metric} = ${p.value}`)}</title></circle>`,
      );
  });
  if (points.length > 0)
    parts.push(
      `<text x="${left}" y="${top + height + 16}">${esc(points[0]!.id)}</text><text x="${left + width}" y="${top + height + 16}" text-anchor="end">${esc(points[points.length - 1]!.id)}</text>`,
    );
  return `<figure><figcaption><strong>${esc(metric)}</strong> of ${points.length} version(s)</figcaption><svg class="metric-chart" data-metric="${esc(metric)}" role="img" aria-label="${esc(`${metric} of ${model} across versions`)}" viewBox="0 0 ${left + width + 20} ${top + height + 24}" width="${left + width + 20}" height="${top + height + 24}">${parts.join('')}</svg></figure>`;
}
