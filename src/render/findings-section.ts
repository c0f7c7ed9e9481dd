import { isSharedKey, sharersOf } from '../blame/attribute.js';
import type { DashboardFindings } from '../dashboard/findings.js';
import type { Rate } from '../findings/stats.js';
import type { Density } from '../findings/types.js';
import type { OrgScanner } from '../inventory/org-scanner.js';
import { count, esc } from './html.js';
import { num, table, type Cell } from './page-parts.js';

/** A rate per 1,000 lines and its interval as table cells (sortable by the rate). */
function rateCells(r: Rate): Cell[] {
  if (r.per1000 === null || r.low === null || r.high === null) return [{ text: '–' }, { text: '–' }, num(r.count), num(r.lines)];
  return [{ text: r.per1000.toFixed(2), value: r.per1000 }, { text: `${r.low.toFixed(2)}–${r.high.toFixed(2)}`, value: r.low }, num(r.count), num(r.lines)];
}

const COLUMNS = [
  { label: 'per 1,000 lines', numeric: true },
  { label: '95% interval' },
  { label: 'findings', numeric: true },
  { label: 'lines', numeric: true },
];
const keyName = (key: string): string => (isSharedKey(key) ? sharersOf(key).join(' + ') : key);

/** AI-written lines against the others: each rate with its interval (the dashboard's and the organisation's page's). */
function densityTable(id: string, caption: string, d: Density): string {
  return table(
    id,
    caption,
    [{ label: 'lines' }, ...COLUMNS],
    [
      [{ text: 'AI-written' }, ...rateCells(d.ai)],
      [{ text: 'no agent credited' }, ...rateCells(d.noAgent)],
    ],
  );
}

/** The dashboard's section on a scanner's findings: densities with their exact intervals, the verdict, and the findings in AI-written lines. */
export function findingsSection(f: DashboardFindings): string {
  const d = f.density;
  const density = densityTable('findings-density', 'Findings per 1,000 lines by who wrote the lines (exact Poisson intervals)', d);
  const byAgent = table(
    'findings-agents',
    'By agent',
    [{ label: 'agent' }, ...COLUMNS],
    f.byAgent.map((r) => [{ text: keyName(r.key) }, ...rateCells(r)]),
  );
  const byModel = table(
    'findings-models',
    'By model',
    [{ label: 'model' }, ...COLUMNS],
    f.byModel.map((r) => [{ text: keyName(r.key) }, ...rateCells(r)]),
  );
  const rows = f.inAiLines.shown.map((x) => [
    { text: `${x.path}:${x.startLine}${x.endLine > x.startLine ? `-${x.endLine}` : ''}`, value: x.path },
    { text: `${x.tool} ${x.ruleId}` },
    { text: x.level },
    { text: x.agents.join(', ') },
    { text: x.class === 'mixed' ? 'partly' : 'wholly' },
  ]);
  const ratio = d.ratio;
  return `<section id="findings" aria-labelledby="findings-h"><h2 id="findings-h">Scanner findings by author</h2>
<p class="meta">${esc(f.tools.join(', '))}: ${count(f.results)} results, ${count(f.attributed)} attributed to the lines they flag (${count(f.apart)} counted apart: no place in the tree, suppressed or not failures), over ${count(f.lines)} lines scanned, ${count(f.aiLines)} of them AI-written.</p>
<p data-metric="findings-ratio" data-value="${ratio.value ?? ''}"><strong>${esc(d.verdict)}</strong></p>
${density}${f.byAgent.length > 0 ? byAgent : ''}${f.byModel.length > 0 ? byModel : ''}
<h3>Findings in AI-written lines</h3>${
    f.inAiLines.total === 0
      ? '<p class="none">None.</p>'
      : `${f.inAiLines.total > f.inAiLines.shown.length ? `<p class="meta">The first ${count(f.inAiLines.shown.length)} of ${count(f.inAiLines.total)}, errors first.</p>` : ''}${table('findings-ai', 'Errors first', [{ label: 'where' }, { label: 'rule' }, { label: 'level' }, { label: 'agents' }, { label: 'AI-written' }], rows)}`
  }</section>`;
}

/** The organisation page's section: the densities summed over the repositories, each repository's, and the findings in AI-written lines. */
export function orgFindingsSection(s: OrgScanner): string {
  const d = s.density;
  const density = densityTable('org-findings-density', `Findings per 1,000 lines across ${count(s.repositories)} repositories (exact Poisson intervals)`, d);
  const repos = table(
    'org-findings-repos',
    'Each repository: findings per 1,000 AI-written lines and per 1,000 other lines, and their ratio',
    [
      { label: 'repository' },
      { label: 'tools' },
      { label: 'AI per 1,000', numeric: true },
      { label: 'others per 1,000', numeric: true },
      { label: 'ratio (95% interval)' },
    ],
    s.rows.map((r) => [
      { text: r.repository, value: r.repository },
      { text: r.tools.join(', ') },
      r.ai.per1000 === null ? { text: '–' } : { text: r.ai.per1000.toFixed(2), value: r.ai.per1000 },
      r.noAgent.per1000 === null ? { text: '–' } : { text: r.noAgent.per1000.toFixed(2), value: r.noAgent.per1000 },
      {
        text:
          r.ratio.low === null
            ? '–'
            : `${r.ratio.value === null ? '∞' : r.ratio.value.toFixed(2)} (${r.ratio.low.toFixed(2)}–${r.ratio.high === null ? '∞' : r.ratio.high.toFixed(2)})`,
        value: r.ratio.value ?? '',
      },
    ]),
  );
  const byAgent =
    s.byAgent.length === 0
      ? ''
      : table(
          'org-findings-agents',
          'By agent, across repositories',
          [{ label: 'agent' }, ...COLUMNS],
          s.byAgent.map((r) => [{ text: keyName(r.key) }, ...rateCells(r)]),
        );
  const rows = s.inAiLines.shown.map((x) => [
    { text: x.repository },
    { text: `${x.path}:${x.startLine}`, value: x.path },
    { text: `${x.tool} ${x.ruleId}` },
    { text: x.level },
    { text: x.agent === null ? 'partly' : keyName(x.agent) },
  ]);
  return `<section id="scanner" aria-labelledby="scanner-h"><h2 id="scanner-h">Scanner findings by author</h2>
<p data-metric="org-findings-ratio" data-value="${d.ratio.value ?? ''}"><strong>${esc(d.verdict)}</strong></p>
${density}${repos}${byAgent}
<h3>Findings in AI-written lines</h3>${s.inAiLines.total === 0 ? '<p class="none">None.</p>' : `${s.inAiLines.total > s.inAiLines.shown.length ? `<p class="meta">The first ${count(s.inAiLines.shown.length)} of ${count(s.inAiLines.total)}, errors first.</p>` : ''}${table('org-findings-ai', 'Errors first', [{ label: 'repository' }, { label: 'where' }, { label: 'rule' }, { label: 'level' }, { label: 'agent' }], rows)}`}</section>`;
}
