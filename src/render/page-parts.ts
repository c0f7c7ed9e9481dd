import { createHash } from 'node:crypto';
import type { BarSeries } from './dashboard-charts.js';
import { DASHBOARD_JS } from './dashboard-script.js';
import { DASHBOARD_CSS } from './dashboard-style.js';
import { count, embeddedJson, esc, percent } from './html.js';

/** What the dashboard and the organisation's page are built of: sortable tables, legends, and one self-contained page. */

export interface Cell {
  text: string;
  /** The raw number or key the cell shows, for sorting and for anyone reading the page by machine. */
  value?: string | number;
  /** Already HTML (made from escaped parts). */
  html?: boolean;
}

export interface Column {
  label: string;
  numeric?: boolean;
}

export function table(id: string, caption: string, columns: readonly Column[], rows: readonly Cell[][]): string {
  const head = columns.map((c) => `<th scope="col"${c.numeric ? ' class="n"' : ''}><button type="button" data-sort>${esc(c.label)}</button></th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${row.map((cell, i) => `<td${columns[i]?.numeric ? ' class="n"' : ''}${cell.value !== undefined ? ` data-value="${esc(cell.value)}"` : ''}>${cell.html ? cell.text : esc(cell.text)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<table id="${id}"><caption class="meta">${esc(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export const num = (n: number): Cell => ({ text: count(n), value: n });
export const pct = (share: number | null): Cell => ({ text: percent(share), value: share ?? '' });
export const short = (sha: string): Cell => ({ text: `<code>${esc(sha.slice(0, 12))}</code>`, value: sha, html: true });
export const day = (iso: string | null): Cell => ({ text: iso === null ? '–' : iso.slice(0, 10), value: iso ?? '' });

export function legend(series: readonly BarSeries[]): string {
  return `<ul class="legend">${series.map((s) => `<li><i class="${s.cls}"></i>${esc(s.label)}</li>`).join('')}</ul>`;
}

/** A whole page: one file, styles, script and data inline, nothing fetched. */
export function htmlPage(title: string, body: string, data: unknown): string {
  // Only this page's own script may run, and nothing may be fetched: a path or subject that got past escaping still could not act.
  const scriptHash = createHash('sha256').update(DASHBOARD_JS).digest('base64');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="color-scheme" content="light dark">
<title>${esc(title)}</title><style>${DASHBOARD_CSS}</style></head>
<body>${body}
<script type="application/json" id="aiprov-data">${embeddedJson(data)}</script>
<script>${DASHBOARD_JS}</script></body></html>
`;
}
