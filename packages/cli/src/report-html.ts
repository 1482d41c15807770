// `modelship report`: one self-contained HTML page (inline CSS and SVG, no script, font or image
// from anywhere) rendered from the ledger's history. Pure: data in, a string out. Every value
// from the ledger passes through `esc` (text and attributes) or `href` (links: http(s) only),
// because model names, reasons and endpoints are typed by people and CI jobs.
import type { ChainReport, HistoryLog, LedgerState, PromotionRecord, Tenure } from '@modelship/core';
import { gateRows } from './report.js';

export interface HtmlReportInput {
  models: string[];
  stages: readonly string[];
  state: LedgerState;
  log: HistoryLog;
  /** One stage's tenures per model and stage, computed by core's stageTenures. */
  tenures: (model: string, stage: string) => Tenure[];
  chain: ChainReport;
  ledgerLocation: string;
  generatedAt: Date;
  runUrl?: string;
}

/** Folding limits: what is shown open, and how many rows a folded page holds. */
const openPromotions = 20;
const pageRows = 200;
const timelineBars = 150;

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const esc = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (char) => entities[char]!);
/** A link target only when it is http(s); anything else (javascript:, data:) is shown as text. */
const href = (url: string | undefined): string | undefined =>
  url && /^https?:\/\/[^\s"'<>]+$/i.test(url) ? url : undefined;
const link = (url: string | undefined, text: string) => {
  const target = href(url);
  return target ? `<a href="${esc(target)}" rel="noreferrer">${esc(text)}</a>` : esc(text);
};
const time = (iso: string | null | undefined) =>
  iso ? `<time datetime="${esc(iso)}">${esc(iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</time>` : '—';
const slug = (text: string) => esc(text.replace(/[^A-Za-z0-9_-]/g, '_'));

const css = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1200px;padding:1rem 1.5rem;color:#1f2328;background:#fff}
h1{font-size:1.6rem}h2{border-bottom:1px solid #d0d7de;padding-bottom:.3rem;margin-top:2rem}h3{margin-top:1.5rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:13px}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}code{font:12px ui-monospace,monospace;word-break:break-all}
.pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}.pending{color:#9a6700;font-weight:600}
.ok{background:#dafbe1;border:1px solid #1a7f37;padding:.5rem 1rem}.bad{background:#ffebe9;border:1px solid #cf222e;padding:.5rem 1rem}
details{margin:.4rem 0}summary{cursor:pointer;font-weight:600}.promotion{border-left:3px solid #d0d7de;padding-left:.8rem;margin:1rem 0}
svg{display:block;max-width:100%;height:auto;background:#fcfcfd;border:1px solid #eaeef2}svg text{font:11px system-ui,sans-serif;fill:#1f2328}
.muted{color:#656d76}`;

export function renderHtmlReport(input: HtmlReportInput): string {
  const { chain } = input;
  const title = input.models.length === 1 ? `modelship report: ${input.models[0]}` : 'modelship report';
  const body = [
    `<h1>${esc(title)}</h1>`,
    `<p class="muted">Generated ${time(input.generatedAt.toISOString())} from the ledger at <code>${esc(input.ledgerLocation)}</code>, event #${input.state.seq}${input.runUrl ? ` · ${link(input.runUrl, 'workflow run')}` : ''}.</p>`,
    verification(chain),
    `<section id="board"><h2>Stage board</h2>${input.models.map((model) => board(input, model)).join('') || '<p>No models in the ledger yet.</p>'}</section>`,
    ...input.models.map((model) => modelSection(input, model)),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title><style>${css}</style></head>
<body>
${body.join('\n')}
</body></html>
`;
}

function verification(chain: ChainReport): string {
  const signed =
    chain.signedBatches === 0
      ? 'not signed'
      : chain.signedBatches === chain.batches
        ? `every batch signed${chain.signaturesChecked ? ', signatures verified with the public key' : ' (no public key configured to check the signatures)'}`
        : `${chain.signedBatches} of ${chain.batches} batches signed`;
  const problems = chain.problems
    .slice(0, 50)
    .map((p) => `<li>#${p.seq} ${esc(p.kind)}: ${esc(p.message)}</li>`)
    .join('');
  return `<section id="verification" class="${chain.ok ? 'ok' : 'bad'}"><h2>Ledger verification</h2>
<p><strong>${chain.ok ? 'Hash chain intact' : `${chain.problems.length} problem(s) found`}</strong>: ${chain.events} event(s), head <code>${esc(chain.head.hash ?? 'empty')}</code> (#${chain.head.seq}); ${esc(signed)}. Checked ${time(chain.checkedAt)}.</p>
${problems ? `<ul>${problems}</ul>${chain.problems.length > 50 ? `<p>… and ${chain.problems.length - 50} more; run <code>modelship ledger verify</code>.</p>` : ''}` : ''}</section>`;
}

function stageNames(input: HtmlReportInput, model: string): string[] {
  const own = Object.keys(input.state.models[model]?.stages ?? {});
  return [...input.stages, ...own.filter((stage) => !input.stages.includes(stage))];
}

function board(input: HtmlReportInput, model: string): string {
  const state = input.state.models[model];
  const rows = stageNames(input, model).map((name) => {
    const stage = state?.stages[name];
    const champion = stage?.champion ? stage.entries[stage.champion] : undefined;
    const entries = Object.values(stage?.entries ?? {});
    const waiting = entries.filter((e) =>
      ['candidate', 'pending-approval', 'approved', 'deploying'].includes(e.status),
    );
    return `<tr><th scope="row">${esc(name)}</th><td class="champion" data-stage="${esc(name)}">${champion ? `<strong>${esc(champion.version)}</strong> since ${time(champion.deployedAt ?? champion.since)}` : '—'}</td><td>${champion?.endpoint ? link(champion.endpoint, champion.endpoint) : '—'}</td><td>${waiting.map((e) => `${esc(e.version)} (${esc(e.status)}${e.status === 'pending-approval' ? ` ${e.approvals.length}/${e.approvalsRequired}` : ''})`).join(', ') || '—'}</td></tr>`;
  });
  return `<h3>${esc(model)}</h3><table class="board" data-model="${esc(model)}"><thead><tr><th>stage</th><th>champion</th><th>endpoint</th><th>challengers</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function modelSection(input: HtmlReportInput, model: string): string {
  const records = input.log.records.filter((r) => r.model === model);
  return `<section class="model" id="model-${slug(model)}"><h2>${esc(model)}</h2>
<h3>Champions over time</h3>${timeline(input, model)}
<h3>Gated metrics across versions</h3>${metricCharts(input, model, records)}
<h3>Promotions (${records.length})</h3>${promotions(records)}
<h3>Versions and provenance</h3>${versions(input, model)}</section>`;
}

/** Per stage, one bar per champion along a shared time axis (the latest `timelineBars` per stage). */
function timeline(input: HtmlReportInput, model: string): string {
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

/** Rows in <details> pages of `pageRows`, the first page open. */
function paged<T>(items: readonly T[], header: string[], row: (item: T) => string[]): string {
  const head = `<thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`;
  const pages: string[] = [];
  for (let i = 0; i < items.length; i += pageRows) {
    const rows = items
      .slice(i, i + pageRows)
      .map(
        (item) =>
          `<tr>${row(item)
            .map((cell) => `<td>${cell}</td>`)
            .join('')}</tr>`,
      )
      .join('');
    const table = `<table>${head}<tbody>${rows}</tbody></table>`;
    pages.push(
      i === 0
        ? table
        : `<details><summary>rows ${i + 1}–${Math.min(items.length, i + pageRows)}</summary>${table}</details>`,
    );
  }
  return pages.join('');
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
function metricCharts(input: HtmlReportInput, model: string, records: readonly PromotionRecord[]): string {
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

const verdictClass = (verdict: string) => (['pass', 'fail', 'pending'].includes(verdict) ? verdict : '');

function promotionDetail(record: PromotionRecord): string {
  const gates = record.gates.length
    ? `<table class="gates"><thead><tr><th>gate</th><th>measured</th><th>required</th><th>verdict</th><th>detail</th></tr></thead><tbody>${gateRows(
        record.gates,
      )
        .map(
          ([name, measured, required, verdict, message], i) =>
            `<tr><td>${esc(name)}</td><td>${esc(measured)}</td><td>${esc(required)}</td><td class="${verdictClass(record.gates[i]!.verdict)}">${esc(verdict)}</td><td>${esc(message)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p class="muted">No gates evaluated.</p>';
  const decisions = record.decisions.length
    ? `<table class="approvals"><thead><tr><th>decision</th><th>by</th><th>when</th><th>why</th><th>signed</th></tr></thead><tbody>${record.decisions
        .map(
          (d) =>
            `<tr><td>${esc(d.decision)}</td><td>${esc(d.by)}</td><td>${time(d.at)}</td><td>${esc(d.reason ?? '—')}</td><td>${d.signedBy ? `yes (<code>${esc(d.signedBy)}</code>)` : 'no'}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : record.approvalsRequired
      ? `<p>Needs ${record.approvalsRequired} approval(s); none recorded.</p>`
      : '';
  const deploy = record.deployedAt
    ? `<p>Deployed ${time(record.deployedAt)}${record.endpoint ? ` at ${link(record.endpoint, record.endpoint)}` : ''}${record.deployStatus ? ` (${esc(record.deployStatus.unified)}: <code>${esc(record.deployStatus.raw)}</code>)` : ''}${record.replaced ? `, replacing ${esc(record.replaced)}` : ''}.</p>${
        record.refs && Object.keys(record.refs).length
          ? `<table class="refs"><tbody>${Object.entries(record.refs)
              .map(([k, v]) => `<tr><th>${esc(k)}</th><td><code>${esc(v)}</code></td></tr>`)
              .join('')}</tbody></table>`
          : ''
      }`
    : '';
  const error = record.error
    ? `<p class="fail">${esc(record.error.code)}: ${esc(record.error.message)}</p>`
    : '';
  return `${gates}${decisions}${deploy}${error}`;
}

function promotionTitle(record: PromotionRecord): string {
  return `${esc(record.version)} → ${esc(record.stage)}: <span class="${record.outcome === 'deployed' ? 'pass' : ['failed', 'rejected'].includes(record.outcome) ? 'fail' : 'pending'}">${esc(record.outcome)}</span> <span class="muted">(${esc(record.kind)}, #${record.seq}, ${time(record.at)}${record.requestedBy ? `, requested by ${esc(record.requestedBy)}` : ''})</span>`;
}

/** Newest first: the latest few open, the next ones folded, older ones as rows in folded pages. */
function promotions(records: readonly PromotionRecord[]): string {
  if (records.length === 0) return '<p>No promotions yet.</p>';
  const newest = [...records].reverse();
  const detailed = newest.slice(0, openPromotions * 5);
  const blocks = detailed.map((record, i) => {
    const inner = `<div class="promotion" data-stage="${esc(record.stage)}">${promotionDetail(record)}</div>`;
    return `<details class="promotion-record"${i < openPromotions ? ' open' : ''}><summary>${promotionTitle(record)}</summary>${inner}</details>`;
  });
  const older = newest.slice(detailed.length);
  const rest = older.length
    ? `<details><summary>${older.length} older promotion(s)</summary>${paged(
        older,
        ['#', 'version', 'stage', 'outcome', 'how', 'at', 'gates', 'approved by'],
        (r) => [
          String(r.seq),
          esc(r.version),
          esc(r.stage),
          esc(r.outcome),
          esc(r.kind),
          time(r.at),
          esc(r.gates.map((g) => `${g.name} ${g.verdict}`).join('; ') || '—'),
          esc(
            r.decisions
              .filter((d) => d.decision === 'granted')
              .map((d) => d.by)
              .join(', ') || '—',
          ),
        ],
      )}</details>`
    : '';
  return blocks.join('') + rest;
}

function provenanceLinks(provenance: Record<string, unknown> | undefined): string {
  if (!provenance) return '—';
  const text = (key: string) =>
    typeof provenance[key] === 'string' ? (provenance[key] as string) : undefined;
  const repository = text('repository');
  const repoUrl = repository
    ? /^[\w.-]+\/[\w.-]+$/.test(repository)
      ? `https://github.com/${repository}`
      : href(repository)
    : undefined;
  const commit = text('commit');
  const runId = text('runId');
  const parts = [
    repository ? link(repoUrl, repository) : '',
    commit ? link(repoUrl && `${repoUrl}/commit/${commit}`, commit.slice(0, 12)) : '',
    runId ? link(repoUrl && `${repoUrl}/actions/runs/${runId}`, `run ${runId}`) : '',
    text('workflow') ? esc(text('workflow')) : '',
  ].filter(Boolean);
  return parts.join(' · ') || esc(text('source') ?? '—');
}

function versions(input: HtmlReportInput, model: string): string {
  const all = Object.values(input.state.models[model]?.versions ?? {}).sort((a, b) => b.number - a.number);
  if (all.length === 0) return '<p>No versions.</p>';
  return paged(all, ['version', 'registered', 'metrics', 'manifest digest', 'provenance'], (v) => [
    `<strong>${esc(v.id)}</strong>`,
    time(v.registeredAt),
    esc(
      Object.entries(v.metrics)
        .map(([k, n]) => `${k}=${n}`)
        .join(' '),
    ),
    v.manifestDigest ? `<code>${esc(v.manifestDigest)}</code>` : '—',
    provenanceLinks(v.provenance),
  ]);
}
