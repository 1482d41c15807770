// `modelship report`: one self-contained HTML page (inline CSS and SVG, no script, font or image
// from anywhere) rendered from the ledger's history. Pure: data in, a string out. Every value
// from the ledger passes through `esc` (text and attributes) or `href` (links: http(s) only),
// because model names, reasons and endpoints are typed by people and CI jobs.
import type { ChainReport, PromotionRecord } from '@modelship/core';
import { gateRows } from './report.js';
import { metricCharts, timeline } from './report-charts.js';
import {
  esc,
  type HtmlReportInput,
  href,
  link,
  openPromotions,
  paged,
  slug,
  stageNames,
  time,
} from './report-html-kit.js';

export { esc, type HtmlReportInput } from './report-html-kit.js';

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

const verdictClass = (verdict: string) => (['pass', 'fail', 'pending'].includes(verdict) ? verdict : '');

/** The approver's own signature first (checked by `ledger verify`), then the ledger batch's. */
function signedCell(d: PromotionRecord['decisions'][number]): string {
  const parts = [
    d.approverKey ? `by the approver (<code>${esc(d.approverKey)}</code>)` : '',
    d.signedBy ? `in a signed ledger batch (<code>${esc(d.signedBy)}</code>)` : '',
  ].filter(Boolean);
  return parts.length ? `yes: ${parts.join('; ')}` : 'no';
}

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
            `<tr><td>${esc(d.decision)}</td><td>${esc(d.by)}</td><td>${time(d.at)}</td><td>${esc(d.reason ?? '—')}</td><td>${signedCell(d)}</td></tr>`,
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
