// Shared by the report's renderers: its input, escaping, links, times and folded tables.
import type { ChainReport, HistoryLog, LedgerState, Tenure } from '@modelship/core';

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
export const openPromotions = 20;
export const pageRows = 200;
export const timelineBars = 150;

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
export const href = (url: string | undefined): string | undefined =>
  url && /^https?:\/\/[^\s"'<>]+$/i.test(url) ? url : undefined;
export const link = (url: string | undefined, text: string) => {
  const target = href(url);
  return target ? `<a href="${esc(target)}" rel="noreferrer">${esc(text)}</a>` : esc(text);
};
export const time = (iso: string | null | undefined) =>
  iso ? `<time datetime="${esc(iso)}">${esc(iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</time>` : '—';
export const slug = (text: string) => esc(text.replace(/[^A-Za-z0-9_-]/g, '_'));

/** Rows in <details> pages of `pageRows`, the first page open. */
export function paged<T>(items: readonly T[], header: string[], row: (item: T) => string[]): string {
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

export function stageNames(input: HtmlReportInput, model: string): string[] {
  const own = Object.keys(input.state.models[model]?.stages ?? {});
  return [...input.stages, ...own.filter((stage) => !input.stages.includes(stage))];
}
