// Human and markdown renderings of boards, gate reports and histories.
import { isAbsolute, relative, sep } from 'node:path';
import type {
  GateReport,
  LedgerEvent,
  ModelVersion,
  PromotionResult,
  StageBoard,
  Tenure,
} from '@modelship/core';
import { table } from './io.js';

/** How gate inputs are shown to a reader; `--json` keeps the full values. */
export interface GateRenderOptions {
  /** Paths inside it are shown relative to it. */
  cwd?: string;
}

const hexRun = /^[0-9a-f]{24,}$/;

/** `sha256:9f86d081884c…`: enough to tell versions apart in a log line. */
export function shortDigest(text: string): string {
  const match = /^([a-z0-9-]+):([0-9a-f]{24,})$/.exec(text);
  return match ? `${match[1]}:${match[2]!.slice(0, 12)}…` : text;
}

/** Relative to `cwd` when inside it; content-addressed segments (long hex) shortened like digests. */
export function shortPath(path: string, cwd?: string): string {
  const inside = cwd && isAbsolute(path) ? relative(cwd, path) : undefined;
  const shown = inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
  return shown
    .split(sep)
    .map((segment) => (hexRun.test(segment) ? `${segment.slice(0, 12)}…` : segment))
    .join(sep);
}

function shortValue(input: unknown, cwd?: string): string {
  if (typeof input !== 'string') return value(input);
  return isAbsolute(input) ? shortPath(input, cwd) : shortDigest(input);
}

/** A gate's message for a table: digests short, the working directory left out of paths. */
function shortText(text: string, cwd?: string): string {
  const shown = cwd ? text.split(`${cwd}${sep}`).join('') : text;
  return shown.replace(/\b([a-z0-9]+):([0-9a-f]{24,})\b/g, (_, algorithm: string, hex: string) =>
    shortDigest(`${algorithm}:${hex}`),
  );
}

/** The manifest gate: digest, file count and where the model is, each short. */
function manifestMeasured(i: Record<string, unknown>, cwd?: string): string {
  const parts: string[] = [];
  if (typeof i.found === 'string')
    parts.push(`found ${shortDigest(i.found)}`, `registered ${shortValue(i.manifestDigest)}`);
  else if (typeof i.manifestDigest === 'string') parts.push(shortDigest(i.manifestDigest));
  if (typeof i.files === 'number') parts.push(`${i.files} file${i.files === 1 ? '' : 's'}`);
  if (typeof i.path === 'string') parts.push(shortPath(i.path, cwd));
  else if (typeof i.manifest === 'string') parts.push(shortPath(i.manifest, cwd));
  return parts.join(' · ') || 'no manifest';
}

const verdictMark = { pass: 'pass', fail: 'FAIL', pending: 'pending' } as const;

function value(input: unknown): string {
  if (input === null || input === undefined) return '—';
  if (typeof input === 'number')
    return Number.isInteger(input) ? String(input) : input.toPrecision(6).replace(/\.?0+$/, '');
  return typeof input === 'string' ? input : JSON.stringify(input);
}

/** One row per gate: what it compared (metric vs threshold, challenger vs champion) and its verdict. */
export function gateRows(gates: readonly GateReport[], options: GateRenderOptions = {}): string[][] {
  const { cwd } = options;
  return gates.map((gate) => {
    const i = gate.inputs as Record<string, unknown>;
    let measured = '';
    let required = '';
    if (gate.kind === 'metric') {
      measured = `${i.metric} = ${value(i.actual)}`;
      required = `${i.op} ${value(i.threshold)}`;
    } else if (gate.kind === 'challenger') {
      measured =
        i.challengerScore !== undefined
          ? `${i.metric} ${value(i.challengerScore)} vs ${value(i.championScore)} (${i.champion})`
          : `champion ${value(i.champion)}`;
      required = `${i.direction === 'lower' ? 'lower' : 'higher'} by ≥ ${value(i.minImprovement)}`;
    } else if (gate.kind === 'approvals') {
      measured = Array.isArray(i.approvedBy) ? `by ${i.approvedBy.join(', ')}` : 'approvals';
      required = `${value(i.required)}${Array.isArray(i.approvers) && i.approvers.length ? ` from ${i.approvers.join(', ')}` : ''}`;
    } else if (gate.kind === 'manifest') {
      measured = manifestMeasured(i, cwd);
    } else {
      measured = Object.entries(i)
        .filter(([, v]) => v !== null && typeof v !== 'object')
        .map(([k, v]) => `${k}=${shortValue(v, cwd)}`)
        .join(' ');
    }
    return [gate.name, measured, required, verdictMark[gate.verdict], shortText(gate.message, cwd)];
  });
}

export function gateTable(gates: readonly GateReport[], options: GateRenderOptions = {}): string {
  if (gates.length === 0) return '  (no gates)';
  return table(['gate', 'measured', 'required', 'verdict', 'detail'], gateRows(gates, options))
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

export function boardTable(board: StageBoard): string {
  const rows = board.stages.map((stage) => [
    stage.name,
    stage.champion
      ? `${stage.champion.version}${stage.champion.endpoint ? ` @ ${stage.champion.endpoint}` : ''}`
      : '—',
    stage.challengers.map((c) => `${c.version} (${c.status})`).join(', ') || '—',
    stage.pendingApprovals.map((p) => `${p.version} (${p.granted.length}/${p.required})`).join(', ') || '—',
  ]);
  return `${board.model}\n${table(['stage', 'champion', 'challengers', 'pending approvals'], rows)}`;
}

const mdCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');

function mdTable(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(mdCell).join(' | ')} |`),
  ].join('\n');
}

export interface SummaryInput {
  title: string;
  result?: PromotionResult;
  board?: StageBoard;
  version?: ModelVersion;
  runUrl?: string;
  /** Paths inside it are shown relative to it. */
  cwd?: string;
}

/** The job summary: outcome, gate table (metric vs threshold), stage board, manifest digest, provenance, run link. */
export function markdownSummary(input: SummaryInput): string {
  const parts = [`### ${input.title}`];
  if (input.result) {
    parts.push(
      `**${input.result.model} ${input.result.version} → ${input.result.stage}: ${input.result.outcome}**`,
    );
    if (input.result.gates.length)
      parts.push(
        mdTable(
          ['gate', 'measured', 'required', 'verdict', 'detail'],
          gateRows(input.result.gates, { cwd: input.cwd }),
        ),
      );
  }
  if (input.board) {
    parts.push(
      mdTable(
        ['stage', 'champion', 'challengers', 'pending approvals'],
        input.board.stages.map((stage) => [
          stage.name,
          stage.champion ? `\`${stage.champion.version}\`` : '—',
          stage.challengers.map((c) => `\`${c.version}\` (${c.status})`).join(', ') || '—',
          stage.pendingApprovals
            .map((p) => `\`${p.version}\` (${p.granted.length}/${p.required})`)
            .join(', ') || '—',
        ]),
      ),
    );
    const digests = input.board.versions
      .filter((v) => v.manifestDigest)
      .map((v) => [v.id, `\`${v.manifestDigest}\``]);
    if (digests.length)
      parts.push(
        `<details><summary>Manifest digests</summary>\n\n${mdTable(['version', 'manifest digest'], digests)}\n\n</details>`,
      );
  }
  const provenance = input.version?.provenance as Record<string, unknown> | undefined;
  if (input.version?.manifestDigest)
    parts.push(`Manifest digest of ${input.version.id}: \`${input.version.manifestDigest}\``);
  if (provenance) {
    const rows = ['source', 'repository', 'ref', 'commit', 'workflow', 'runId', 'actor']
      .filter((key) => provenance[key])
      .map((key) => [key, `\`${String(provenance[key])}\``]);
    if (rows.length)
      parts.push(`Provenance of ${input.version?.id}:\n\n${mdTable(['field', 'value'], rows)}`);
  }
  if (input.runUrl) parts.push(`[Workflow run](${input.runUrl})`);
  return parts.join('\n\n');
}

export function historyTable(events: readonly LedgerEvent[]): string {
  return table(
    ['seq', 'at', 'event', 'version', 'stage', 'by', 'detail'],
    events.map((e) => [
      String(e.seq),
      e.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      e.type,
      e.version ?? '',
      e.stage ?? '',
      e.by ?? '',
      eventDetail(e),
    ]),
  );
}

function eventDetail(event: LedgerEvent): string {
  const data = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'gates.evaluated':
      return `${data.passed ? 'passed' : 'failed'}${data.approvalsRequired ? `, needs ${data.approvalsRequired} approval(s)` : ''}`;
    case 'deploy.succeeded':
      return `${data.rollback ? 'rollback ' : ''}${typeof data.endpoint === 'string' ? data.endpoint : ''}`.trim();
    case 'deploy.failed':
      return String((data.error as { message?: string } | undefined)?.message ?? '').split('\n')[0]!;
    case 'deploy.started':
      return data.replaces ? `replaces ${data.replaces}` : '';
    case 'approval.granted':
    case 'approval.rejected':
      return typeof data.reason === 'string' ? data.reason : '';
    default:
      return '';
  }
}

/** A mermaid flowchart of the history: one node per event, in ledger order. */
export function historyMermaid(model: string, events: readonly LedgerEvent[]): string {
  const label = (e: LedgerEvent) =>
    `#${e.seq} ${e.type}${e.version ? `<br/>${e.version}` : ''}${e.stage ? ` → ${e.stage}` : ''}${e.by ? `<br/>by ${e.by}` : ''}`.replace(
      /"/g,
      "'",
    );
  const shape = (e: LedgerEvent) =>
    e.type === 'deploy.succeeded'
      ? `(["${label(e)}"])`
      : e.type === 'deploy.failed' || e.type === 'approval.rejected'
        ? `{{"${label(e)}"}}`
        : `["${label(e)}"]`;
  const lines = ['flowchart TD', `  %% ledger history of ${model}`];
  events.forEach((e, index) => {
    lines.push(`  e${e.seq}${shape(e)}`);
    if (index > 0) lines.push(`  e${events[index - 1]!.seq} --> e${e.seq}`);
  });
  return lines.join('\n');
}

const shortTime = (iso: string) => iso.replace('T', ' ').replace(/(:\d{2})(\.\d+)?Z$/, '$1Z');

/** One row per champion of a stage: version, from, to, how it arrived, who approved, gates. */
export function tenureTable(tenures: readonly Tenure[]): string {
  return table(
    ['version', 'from', 'to', 'arrived by', 'requested by', 'approved by', 'gates'],
    tenures.map((t) => [
      t.version,
      shortTime(t.from),
      t.to ? shortTime(t.to) : 'now',
      t.arrival,
      t.requestedBy ?? '—',
      t.approvedBy.join(', ') || '—',
      t.gateSummary,
    ]),
  );
}

// Mermaid's Gantt grammar ends a task name at ":" and a line at "#" or ";": those become spaces.
const ganttText = (text: string) => text.replace(/[:;#\n\r]/g, ' ').trim();

/** A mermaid Gantt chart of a stage's champions (GitHub renders it in summaries and comments). */
export function tenureGantt(model: string, stage: string, tenures: readonly Tenure[], now: Date): string {
  const lines = [
    'gantt',
    `  title ${ganttText(`${model} - champions in ${stage}`)}`,
    '  dateFormat x',
    '  axisFormat %Y-%m-%d',
    `  section ${ganttText(stage)}`,
  ];
  tenures.forEach((t, index) => {
    const label = ganttText(
      `${t.version} (${t.arrival}${t.approvedBy.length ? `, approved by ${t.approvedBy.join(', ')}` : ''})`,
    );
    const end = t.to ? Date.parse(t.to) : Math.max(now.getTime(), Date.parse(t.from));
    lines.push(`  ${label} :${t.to ? 'done' : 'active'}, t${index + 1}, ${Date.parse(t.from)}, ${end}`);
  });
  return lines.join('\n');
}
