import { isSharedKey, sharersOf } from '../blame/attribute.js';
import type { DashboardData, Period, TreeNode } from '../dashboard/types.js';
import { stackedBars, treemapChart, type BarSeries } from './dashboard-charts.js';
import { dashboardSummary } from './dashboard-summary.js';
import { findingsSection } from './findings-section.js';
import { count, esc, percent } from './html.js';
import { day, htmlPage, legend, num, pct, short, table, type Cell } from './page-parts.js';

/** The agents in the order of their lines, each with a colour class of the palette (eight; more share the last). */
function agentSeries(data: DashboardData): BarSeries[] {
  const totals = new Map<string, number>();
  for (const p of data.timeline.week) for (const [agent, n] of Object.entries(p.byAgent)) totals.set(agent, (totals.get(agent) ?? 0) + n);
  const byLines = (a: string, b: string): number => (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || a.localeCompare(b);
  const agents = [...totals.keys()].filter((a) => !isSharedKey(a)).sort(byLines);
  const series: BarSeries[] = agents.map((agent, i) => ({ key: agent, cls: `c${Math.min(i, 7)}`, label: agent }));
  // Lines several agents share: one series per set of agents, named by them, in the shared colour.
  for (const key of [...totals.keys()].filter(isSharedKey).sort(byLines)) series.push({ key, cls: 'shared', label: `${sharersOf(key).join(' + ')} (shared)` });
  series.push({ key: 'human', cls: 'human', label: 'no agent credited' });
  return series;
}

function timelineFigure(data: DashboardData, granularity: 'week' | 'month', series: readonly BarSeries[], hidden: boolean): string {
  const periods: readonly Period[] = data.timeline[granularity];
  const bars = periods.map((p) => ({ label: granularity === 'month' ? p.start.slice(0, 7) : p.start, values: { ...p.byAgent, human: p.lines - p.aiLines } }));
  const title = `Share of the lines written each ${granularity} that the agents wrote, stacked by agent, with the rest (no agent credited)`;
  const rows = periods
    .filter((p) => p.lines > 0)
    .map((p) => [
      day(p.start),
      num(p.lines),
      num(p.aiLines),
      pct(p.lines === 0 ? 0 : p.aiLines / p.lines),
      {
        text: Object.entries(p.byAgent)
          .sort(([, a], [, b]) => b - a)
          .map(([a, n]) => `${a} ${count(n)}`)
          .join(', '),
      },
    ]);
  return (
    `<figure id="timeline-${granularity}"${hidden ? ' hidden' : ''} tabindex="0" aria-label="${esc(title)}">` +
    stackedBars({ id: `timeline-${granularity}-chart`, title, bars, series, percent: true, unit: 'lines' }) +
    `<figcaption>Lines still in the tree at ${esc(data.rev.slice(0, 12))}, by the ${granularity} their commit was written (UTC). Hover a bar for its figures.</figcaption>` +
    `<details><summary>The figures, by ${granularity}</summary>${table(`timeline-${granularity}-table`, `Lines by ${granularity}`, [{ label: granularity }, { label: 'lines', numeric: true }, { label: 'AI lines', numeric: true }, { label: 'AI share', numeric: true }, { label: 'by agent' }], rows)}</details></figure>`
  );
}

/** Directories two levels down, the text alternative to the treemap. */
function directoryRows(tree: TreeNode): Cell[][] {
  const rows: Cell[][] = [];
  const visit = (node: TreeNode, depth: number): void => {
    for (const child of node.children ?? []) {
      if (!child.children && depth > 0) continue;
      rows.push([
        { text: child.children ? `${child.path}/` : child.path },
        num(child.files),
        num(child.lines),
        num(child.aiLines),
        pct(child.lines === 0 ? 0 : child.aiLines / child.lines),
        { text: child.risk ?? '', value: child.risk ?? '' },
      ]);
      if (child.children && depth < 1) visit(child, depth + 1);
    }
  };
  visit(tree, 0);
  return rows;
}

/** How complete the authorship records are, month by month: the AI commits with line records, with records naming no lines, known by signatures alone. */
function coverageSection(data: DashboardData): string {
  const months = data.coverage.filter((m) => m.aiCommits > 0);
  const rows = data.coverage.map((m) => [
    { text: m.start.slice(0, 7), value: m.start },
    num(m.aiCommits),
    num(m.lineRecords),
    num(m.wholeCommitRecords),
    num(m.signaturesOnly),
    pct(m.aiCommits === 0 ? null : m.lineRecords / m.aiCommits),
  ]);
  const body =
    months.length === 0
      ? '<p class="none">No AI commit in the period.</p>'
      : table(
          'coverage-table',
          'AI commits by month, by the evidence of their authorship: line records name the lines an agent wrote; the others are credited whole',
          [
            { label: 'month' },
            { label: 'AI commits', numeric: true },
            { label: 'line records', numeric: true },
            { label: 'records naming no lines', numeric: true },
            { label: 'signatures only', numeric: true },
            { label: 'with line records', numeric: true },
          ],
          rows,
        );
  return `<section id="records" aria-labelledby="records-h"><h2 id="records-h">How complete the records are</h2>${body}</section>`;
}

function gateSection(data: DashboardData): string {
  const g = data.gate;
  if (g.changes === 0)
    return '<p class="none">No decision recorded: run <code>aiprov check</code> in CI (it appends each decision to refs/notes/aiprov-checks) and fetch that ref before building this page.</p>';
  const [lo, hi] = g.targets.escalationRate;
  const passOk = (g.passRate ?? 0) > g.targets.passRateAbove;
  const escOk = g.escalationRate !== null && g.escalationRate >= lo && g.escalationRate <= hi;
  const tile = (metric: string, value: number | null, text: string, target: string, ok: boolean | null): string =>
    `<div class="tile${ok === null ? '' : ok ? ' ok' : ' bad'}" data-metric="${metric}" data-value="${value ?? ''}"><div class="v">${esc(text)}</div><div class="t">${esc(target)}${ok === null ? '' : ok ? ' · on target' : ' · off target'}</div></div>`;
  const series: BarSeries[] = [
    { key: 'pass', cls: 'pass', label: 'pass' },
    { key: 'needsReview', cls: 'review', label: 'needs review' },
    { key: 'fail', cls: 'fail', label: 'fail' },
  ];
  const title = 'Changes checked each week by their latest decision: pass, needs review, fail';
  const bars = g.weeks.map((w) => ({ label: w.start, values: { pass: w.pass, needsReview: w.needsReview, fail: w.fail } }));
  const findings = g.openFindings.map((f) => [{ text: f.rule }, { text: f.severity, value: f.severity }, num(f.count)]);
  return (
    `<div class="tiles">` +
    tile('pass-rate', g.passRate, percent(g.passRate), `pass rate; target above ${percent(g.targets.passRateAbove, 0)}`, passOk) +
    tile('escalation-rate', g.escalationRate, percent(g.escalationRate), `escalation rate; target ${percent(lo, 0)}–${percent(hi, 0)}`, escOk) +
    tile(
      'changes',
      g.changes,
      count(g.changes),
      `changes (${count(g.runs)} checks): ${count(g.passed)} pass, ${count(g.needsReview)} need review, ${count(g.failed)} fail`,
      null,
    ) +
    tile(
      'hours-to-pass',
      g.medianHoursToPass,
      g.medianHoursToPass === null ? 'n/a' : `${g.medianHoursToPass.toFixed(1)} h`,
      'median time from held to passing',
      null,
    ) +
    `</div><figure tabindex="0" aria-label="${esc(title)}">${stackedBars({ id: 'gate-chart', title, bars, series, percent: false, unit: 'changes' })}${legend(series)}` +
    `<details><summary>The figures, by week</summary>${table(
      'gate-table',
      'Changes by week',
      [{ label: 'week' }, { label: 'pass', numeric: true }, { label: 'needs review', numeric: true }, { label: 'fail', numeric: true }],
      g.weeks.filter((w) => w.pass + w.needsReview + w.fail > 0).map((w) => [day(w.start), num(w.pass), num(w.needsReview), num(w.fail)]),
    )}</details></figure>` +
    `<h3>Open findings</h3>${findings.length === 0 ? '<p class="none">None: every change\'s latest decision is pass.</p>' : table('findings-table', 'Findings of the changes whose latest decision is not pass, by rule', [{ label: 'rule' }, { label: 'severity' }, { label: 'open', numeric: true }], findings)}`
  );
}

function dependencySection(data: DashboardData): string {
  const d = data.dependencies;
  if (!d)
    return '<p class="none">No dependency audit given: run <code>aiprov deps audit --format json --output deps.json</code> and build the page with <code>--deps-report deps.json</code>.</p>';
  if (d.rows.length === 0) return `<p class="none">No hallucinated, typosquatted, suspicious or unknown package in ${esc(d.file)}.</p>`;
  const rows = d.rows.map((r) => [
    { text: `${r.ecosystem}:${r.name}${r.spec ? `@${r.spec}` : ''}` },
    { text: r.verdict, value: r.verdict },
    { text: `${r.signals.join(', ')}${r.suggestion ? ` (meant ${r.suggestion}?)` : ''}` },
    { text: r.file },
    r.introducedBy
      ? {
          text: `<code>${esc(r.introducedBy.commit.slice(0, 12))}</code> ${esc(r.introducedBy.ai ? r.introducedBy.agents.join(', ') || 'an agent' : 'no agent credited')}: ${esc(r.introducedBy.subject)}`,
          html: true,
          value: r.introducedBy.commit,
        }
      : { text: 'unknown' },
  ]);
  return `${d.total > d.rows.length ? `<p class="meta">The first ${count(d.rows.length)} of ${count(d.total)}.</p>` : ''}${table('deps-table', `From ${d.file}`, [{ label: 'package' }, { label: 'verdict' }, { label: 'signals' }, { label: 'where' }, { label: 'introduced by' }], rows)}`;
}

/** The whole page: one file, styles, script and data inline, nothing fetched. */
export function renderDashboardHtml(data: DashboardData): string {
  const series = agentSeries(data);
  const summary = dashboardSummary(data);
  const hunks = data.riskyHunks;
  const hunkRows = hunks.shown.map((h) => [
    { text: `${h.path}:${h.start}${h.end > h.start ? `-${h.end}` : ''}`, value: h.path },
    { text: h.rule },
    { text: h.tier, value: h.tier },
    { text: h.agents.join(', ') },
    short(h.commit),
    day(h.authoredAt),
  ]);
  const agentRows = data.agents.map((a) => [
    { text: a.agent },
    { text: a.model === '*' ? 'all models' : a.model, value: a.model },
    num(a.commits),
    num(a.lines),
    pct(a.share),
    day(a.firstSeen),
    day(a.lastSeen),
  ]);
  const shareScale = [0, 1, 2, 3, 4].map((i) => `<li><i class="t${i}"></i>${i * 20}–${i * 20 + 20}%</li>`).join('');
  const bom = data.bom;
  const body = `<a class="skip" href="#summary">Skip to the summary</a><main>
<header><h1>AI provenance: ${esc(data.repository.name)}</h1>
<p class="meta">At <code>${esc(data.rev.slice(0, 12))}</code> (${esc(data.revSpec)})${data.since ? `, since ${esc(data.since.slice(0, 10))}` : ''}; built ${esc(data.generatedAt.replace('T', ' ').slice(0, 16))} UTC by aiprov ${esc(data.tool.version)}.</p>
<p id="summary" tabindex="-1" data-metric="ai-share" data-value="${data.totals.aiShare}">${esc(summary)}</p>
<nav aria-label="Sections"><ul><li><a href="#authorship">Over time</a></li><li><a href="#records">Records</a></li><li><a href="#tree">Where</a></li><li><a href="#hunks">Unreviewed high-risk hunks</a></li><li><a href="#agents">Agents and models</a></li><li><a href="#gate">The gate</a></li><li><a href="#dependencies">Dependencies</a></li>${data.findings ? '<li><a href="#findings">Scanner findings</a></li>' : ''}</ul></nav></header>
<section id="authorship" aria-labelledby="authorship-h"><h2 id="authorship-h">How much the agents write</h2>
<div class="tiles"><div class="tile" data-metric="lines" data-value="${data.totals.lines}"><div class="v">${count(data.totals.lines)}</div><div class="t">lines counted</div></div>
<div class="tile" data-metric="ai-lines" data-value="${data.totals.aiLines}"><div class="v">${count(data.totals.aiLines)}</div><div class="t">written by agents (${esc(percent(data.totals.aiShare))})${data.totals.suggestionLines > 0 ? `; ${count(data.totals.suggestionLines)} more from applied AI review suggestions, not in the share` : ''}</div></div>
<div class="tile" data-metric="commits" data-value="${data.totals.commits}"><div class="v">${count(data.totals.commits)}</div><div class="t">commits, ${count(data.totals.aiCommits)} with an agent</div></div></div>
<div class="toggle" role="group" aria-label="Period"><button type="button" aria-pressed="true" data-show="timeline-week">By week</button><button type="button" aria-pressed="false" data-show="timeline-month">By month</button></div>
${legend(series)}${timelineFigure(data, 'week', series, false)}${timelineFigure(data, 'month', series, true)}</section>
${coverageSection(data)}
<section id="tree" aria-labelledby="tree-h"><h2 id="tree-h">Where the agents wrote</h2>
<figure tabindex="0" aria-label="Treemap of the tree: area is lines, colour is the share the agents wrote; hatched files are under a high or critical risk rule">${treemapChart({ id: 'treemap', title: `The tree at ${data.rev.slice(0, 12)}: each file's area is its lines, its colour the share agents wrote; hatched outlines mark files under a high or critical risk rule`, tree: data.tree })}
<ul class="legend">${shareScale}<li><i class="risky"></i>high or critical risk path</li></ul>
<details><summary>The figures, by directory</summary>${table('tree-table', 'Directories and top-level files', [{ label: 'path' }, { label: 'files', numeric: true }, { label: 'lines', numeric: true }, { label: 'AI lines', numeric: true }, { label: 'AI share', numeric: true }, { label: 'risk' }], directoryRows(data.tree))}</details></figure></section>
<section id="hunks" aria-labelledby="hunks-h"><h2 id="hunks-h">AI-written high-risk hunks without a recorded review</h2>
<p class="meta" data-metric="risky-hunks" data-value="${hunks.total}">${hunks.total === 0 ? 'None.' : `${count(hunks.total)} hunk${hunks.total === 1 ? '' : 's'}${hunks.total > hunks.shown.length ? `, the first ${count(hunks.shown.length)} listed` : ''}: lines at ${esc(data.rev.slice(0, 12))} the agents wrote under an escalated risk rule, with no counted review (a forge approval, a signed review, a signed Reviewed-by: commit) covering their commit; unsigned trailers and notes are claims and do not count.`}</p>
${hunks.total === 0 ? '' : table('hunks-table', 'Critical first, then newest', [{ label: 'where' }, { label: 'rule' }, { label: 'tier' }, { label: 'agents' }, { label: 'commit' }, { label: 'written' }], hunkRows)}</section>
<section id="agents" aria-labelledby="agents-h"><h2 id="agents-h">Agents and models</h2>
${agentRows.length === 0 ? '<p class="none">No agent found in the history.</p>' : table('agents-table', 'Commits with the agent as author; lines at the revision credited to it alone; share of all lines counted', [{ label: 'agent' }, { label: 'model' }, { label: 'commits', numeric: true }, { label: 'lines', numeric: true }, { label: 'share', numeric: true }, { label: 'first seen' }, { label: 'last seen' }], agentRows)}</section>
<section id="gate" aria-labelledby="gate-h"><h2 id="gate-h">The gate</h2>${gateSection(data)}</section>
<section id="dependencies" aria-labelledby="deps-h"><h2 id="deps-h">Dependency findings</h2>${dependencySection(data)}</section>
${data.findings ? findingsSection(data.findings) : ''}
${bom ? `<section id="bom" aria-labelledby="bom-h"><h2 id="bom-h">AI-BOM</h2><p>${esc(bom.file)}: CycloneDX ${esc(bom.specVersion)}${bom.serialNumber ? `, ${esc(bom.serialNumber)}` : ''}; ${count(bom.components)} components, ${count(bom.models)} models, ${count(bom.vulnerabilities)} vulnerabilities.</p></section>` : ''}
${
  data.warnings.length > 0
    ? `<section id="warnings" aria-labelledby="warnings-h"><h2 id="warnings-h">Warnings</h2><ul>${data.warnings
        .slice(0, 100)
        .map((w) => `<li>${esc(w.message)}</li>`)
        .join('')}</ul></section>`
    : ''
}
</main>`;
  return htmlPage(`AI provenance: ${data.repository.name}`, body, data);
}
