import { orgFindingsSection } from './findings-section.js';
import { isSharedKey, sharersOf } from '../blame/attribute.js';
import type { OrgPeriod, OrgReport, OrgRepository } from '../inventory/org-types.js';
import { stackedBars, type BarSeries } from './dashboard-charts.js';
import { count, esc, percent } from './html.js';
import { day, htmlPage, legend, num, pct, short, table, type Cell } from './page-parts.js';

/** What the organisation's page says first, in one sentence (also the table format's first line). */
export function orgSummary(report: OrgReport): string {
  const t = report.totals;
  if (t.repositories === 0) return 'The store holds no repository yet: run aiprov collect in each repository (or aiprov collect --repos LIST).';
  const top = report.repositories.find((r) => r.url === report.rankings.byAiShare[0]);
  return (
    `Across ${count(t.repositories)} repositor${t.repositories === 1 ? 'y' : 'ies'}, AI agents wrote ${percent(t.aiShare)} of the ${count(t.lines)} lines at their collected heads` +
    `${top && top.aiLines > 0 ? ` (most in ${top.name}: ${percent(top.aiShare)})` : ''}; ${count(t.unreviewedHunks)} AI-written high-risk hunk${t.unreviewedHunks === 1 ? '' : 's'} without a recorded review${t.hunksUnknown > 0 ? ` (not known for ${count(t.hunksUnknown)} collected from attestations alone)` : ''}; ` +
    `${count(t.findings)} suspect dependenc${t.findings === 1 ? 'y' : 'ies'}${t.notAudited > 0 ? ` (${count(t.notAudited)} with no dependency audit collected)` : ''}.`
  );
}

/** The agents across the organisation, most lines first, each with a colour of the palette; shared lines and the rest last. */
function seriesOf(periods: readonly OrgPeriod[]): BarSeries[] {
  const totals = new Map<string, number>();
  for (const p of periods) for (const [agent, n] of Object.entries(p.byAgent)) totals.set(agent, (totals.get(agent) ?? 0) + n);
  const byLines = (a: string, b: string): number => (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || a.localeCompare(b);
  const series: BarSeries[] = [...totals.keys()]
    .filter((a) => !isSharedKey(a))
    .sort(byLines)
    .map((agent, i) => ({ key: agent, cls: `c${Math.min(i, 7)}`, label: agent }));
  for (const key of [...totals.keys()].filter(isSharedKey).sort(byLines)) series.push({ key, cls: 'shared', label: `${sharersOf(key).join(' + ')} (shared)` });
  series.push({ key: 'human', cls: 'human', label: 'no agent credited' });
  return series;
}

function timelineChart(id: string, title: string, periods: readonly OrgPeriod[], series: readonly BarSeries[]): string {
  const bars = periods.map((p) => ({ label: p.start.slice(0, 7), values: { ...p.byAgent, human: p.lines - p.aiLines } }));
  return `<figure tabindex="0" aria-label="${esc(title)}">${stackedBars({ id, title, bars, series, percent: true, unit: 'lines' })}</figure>`;
}

/** A figure that may not be known: a dash, never a zero, where the store cannot say. */
function known(n: number | null): Cell {
  return n === null ? { text: '–', value: '' } : num(n);
}

const unknownText = (n: number | null, what: string): string => (n === null ? `${what} not known` : `${count(n)} ${what}`);

function repositoryName(r: OrgRepository): Cell {
  const external = r.link ? ` <a href="${esc(r.link)}" rel="noopener">its page</a>` : '';
  return { text: `<a href="#${esc(r.id)}">${esc(r.name)}</a>${external}`, value: r.name, html: true };
}

function repositoriesTable(report: OrgReport): string {
  const byUrl = new Map(report.repositories.map((r) => [r.url, r]));
  const rows = report.rankings.byAiShare.flatMap((url) => {
    const r = byUrl.get(url);
    if (!r) return [];
    return [
      [
        repositoryName(r),
        pct(r.aiShare),
        num(r.aiLines),
        num(r.lines),
        num(r.commits),
        num(r.aiCommits),
        known(r.unreviewedHunks),
        known(r.findings),
        pct(r.gate.passRate),
        day(r.collectedAt),
      ],
    ];
  });
  return table(
    'repos-table',
    'Most AI-written share first; each name leads to the repository on this page',
    [
      { label: 'repository' },
      { label: 'AI share', numeric: true },
      { label: 'AI lines', numeric: true },
      { label: 'lines', numeric: true },
      { label: 'commits', numeric: true },
      { label: 'AI commits', numeric: true },
      { label: 'unreviewed high-risk AI hunks', numeric: true },
      { label: 'suspect dependencies', numeric: true },
      { label: 'gate pass rate', numeric: true },
      { label: 'collected' },
    ],
    rows,
  );
}

function hunksRanking(report: OrgReport): string {
  if (report.rankings.byUnreviewedHunks.length === 0)
    return '<p class="none">None: every AI-written hunk under an escalated risk rule has a counted review.</p>';
  const byUrl = new Map(report.repositories.map((r) => [r.url, r]));
  const rows = report.rankings.byUnreviewedHunks.flatMap((url) => {
    const r = byUrl.get(url);
    return r ? [[repositoryName(r), known(r.unreviewedHunks), { text: [...new Set(r.hunks.map((h) => h.rule))].join(', ') }]] : [];
  });
  return table('hunks-ranking', 'Most first', [{ label: 'repository' }, { label: 'hunks', numeric: true }, { label: 'rules (of those listed)' }], rows);
}

function agentsTable(report: OrgReport): string {
  if (report.agents.length === 0) return '<p class="none">No agent found in any repository.</p>';
  const rows = report.agents.map((a) => [
    { text: a.agent },
    { text: a.models.join(', ') },
    num(a.repositories),
    num(a.commits),
    num(a.lines),
    day(a.firstSeen),
    day(a.lastSeen),
  ]);
  return table(
    'agents-table',
    'Commits with the agent as author; lines at the collected heads credited to it alone',
    [
      { label: 'agent' },
      { label: 'models' },
      { label: 'repositories', numeric: true },
      { label: 'commits', numeric: true },
      { label: 'lines', numeric: true },
      { label: 'first seen' },
      { label: 'last seen' },
    ],
    rows,
  );
}

function gateSection(report: OrgReport): string {
  const g = report.gate;
  if (g.changes === 0) return '<p class="none">No gate decision in the store: run <code>aiprov check</code> in CI, and collect after it.</p>';
  const [lo, hi] = g.targets.escalationRate;
  const passOk = (g.passRate ?? 0) > g.targets.passRateAbove;
  const escOk = g.escalationRate !== null && g.escalationRate >= lo && g.escalationRate <= hi;
  const tile = (metric: string, value: number | null, target: string, ok: boolean): string =>
    `<div class="tile ${ok ? 'ok' : 'bad'}" data-metric="${metric}" data-value="${value ?? ''}"><div class="v">${esc(percent(value))}</div><div class="t">${esc(target)} · ${ok ? 'on target' : 'off target'}</div></div>`;
  const rows = report.repositories
    .filter((r) => r.gate.changes > 0)
    .map((r) => [repositoryName(r), num(r.gate.changes), pct(r.gate.passRate), pct(r.gate.escalationRate)]);
  return (
    `<div class="tiles">${tile('pass-rate', g.passRate, `pass rate over ${count(g.changes)} changes; target above ${percent(g.targets.passRateAbove, 0)}`, passOk)}` +
    `${tile('escalation-rate', g.escalationRate, `escalation rate; target ${percent(lo, 0)}–${percent(hi, 0)}`, escOk)}</div>` +
    table(
      'gate-table',
      'By repository: each change once, by its latest decision',
      [{ label: 'repository' }, { label: 'changes', numeric: true }, { label: 'pass rate', numeric: true }, { label: 'escalation rate', numeric: true }],
      rows,
    )
  );
}

function findingsTable(report: OrgReport): string {
  if (report.findings.length === 0)
    return '<p class="none">No suspect dependency stored: collect with <code>--deps-report</code> to keep an audit\'s findings.</p>';
  const rows = report.findings.map((f) => [
    { text: f.repository },
    { text: `${f.ecosystem}:${f.name}${f.spec ? `@${f.spec}` : ''}` },
    { text: f.verdict, value: f.verdict },
    { text: `${f.signals.join(', ')}${f.suggestion ? ` (meant ${f.suggestion}?)` : ''}` },
    { text: f.file },
    f.commit ? short(f.commit) : { text: 'unknown' },
    { text: f.ai ? f.agents.join(', ') || 'an agent' : 'no agent credited' },
  ]);
  return table(
    'findings-table',
    'Hallucinated, typosquatted, malicious and suspicious names, with the commit and agent that introduced them',
    [
      { label: 'repository' },
      { label: 'package' },
      { label: 'verdict' },
      { label: 'signals' },
      { label: 'where' },
      { label: 'introduced by' },
      { label: 'agent' },
    ],
    rows,
  );
}

function repositorySection(r: OrgRepository, series: readonly BarSeries[]): string {
  const hunks = r.hunks.map((h) => [
    { text: `${h.path}:${h.start}${h.end > h.start ? `-${h.end}` : ''}`, value: h.path },
    { text: h.rule },
    { text: h.tier },
    { text: h.agents.join(', ') },
    short(h.commit),
  ]);
  const agents = r.agents.map((a) => [{ text: a.agent }, { text: a.model }, num(a.commits), num(a.lines), day(a.firstSeen), day(a.lastSeen)]);
  const snapshots = r.snapshots.map((s) => [short(s.head), day(s.committedAt), num(s.lines), num(s.aiLines), pct(s.lines === 0 ? 0 : s.aiLines / s.lines)]);
  const title = `${r.name}: share of the lines written each month that the agents wrote, of the lines still at its head`;
  return `<section id="${esc(r.id)}" class="repo" aria-labelledby="${esc(r.id)}-h" data-repo="${esc(r.url)}"><h3 id="${esc(r.id)}-h">${esc(r.name)}</h3>
<p class="meta">${esc(r.url)}${r.defaultBranch ? `, ${esc(r.defaultBranch)}` : ''} at <code>${esc((r.head ?? '').slice(0, 12))}</code>, collected ${esc((r.collectedAt ?? '').slice(0, 16).replace('T', ' '))}${r.verifiedOnly ? ' from verified attestations only' : ''}${r.link ? ` · <a href="${esc(r.link)}" rel="noopener">its own page</a>` : ''}.</p>
<p data-metric="repo-ai-share" data-value="${r.aiShare}">${esc(`${percent(r.aiShare)} of ${count(r.lines)} lines by agents; ${count(r.aiCommits)} of ${count(r.commits)} commits with an agent; ${unknownText(r.unreviewedHunks, 'unreviewed high-risk AI hunks')}${r.unreviewedHunks === null ? ' (verified attestations do not say)' : ''}; ${r.findings === null ? 'no dependency audit collected' : `${count(r.findings)} suspect dependencies`}.`)}</p>
${r.timeline.some((p) => p.lines > 0) ? timelineChart(`${r.id}-timeline`, title, r.timeline, series) : ''}
<details><summary>Agents and models (${count(r.agents.length)}), heads collected (${count(r.snapshots.length)}), unreviewed hunks (${r.unreviewedHunks === null ? 'not known' : count(r.unreviewedHunks)})</summary>
${agents.length > 0 ? table(`${r.id}-agents`, 'Agents and models', [{ label: 'agent' }, { label: 'model' }, { label: 'commits', numeric: true }, { label: 'lines', numeric: true }, { label: 'first seen' }, { label: 'last seen' }], agents) : ''}
${table(`${r.id}-heads`, 'The AI share at each head collected', [{ label: 'head' }, { label: 'committed' }, { label: 'lines', numeric: true }, { label: 'AI lines', numeric: true }, { label: 'AI share', numeric: true }], snapshots)}
${hunks.length > 0 ? table(`${r.id}-hunks`, (r.unreviewedHunks ?? 0) > hunks.length ? `The first ${hunks.length} of ${r.unreviewedHunks}` : 'Critical first', [{ label: 'where' }, { label: 'rule' }, { label: 'tier' }, { label: 'agents' }, { label: 'commit' }], hunks) : ''}
</details></section>`;
}

/** The organisation's page: one file, nothing fetched, every repository's section in it. */
export function renderOrgHtml(report: OrgReport): string {
  const series = seriesOf(report.timeline);
  const t = report.totals;
  const tile = (metric: string, value: number, text: string, label: string): string =>
    `<div class="tile" data-metric="${metric}" data-value="${value}"><div class="v">${esc(text)}</div><div class="t">${esc(label)}</div></div>`;
  const body = `<a class="skip" href="#summary">Skip to the summary</a><main>
<header><h1>AI provenance across the organisation</h1>
<p class="meta">From ${esc(report.store)}; built ${esc(report.generatedAt.replace('T', ' ').slice(0, 16))} UTC by aiprov ${esc(report.tool.version)}.</p>
<p id="summary" tabindex="-1" data-metric="ai-share" data-value="${t.aiShare}">${esc(orgSummary(report))}</p>
<nav aria-label="Sections"><ul><li><a href="#repositories">Repositories</a></li><li><a href="#over-time">Over time</a></li><li><a href="#hunks">Unreviewed high-risk hunks</a></li><li><a href="#agents">Agents and models</a></li><li><a href="#gate">The gate</a></li><li><a href="#dependencies">Dependencies</a></li>${report.scanner ? '<li><a href="#scanner">Scanner findings</a></li>' : ''}<li><a href="#each">Each repository</a></li></ul></nav></header>
<div class="tiles">${tile('repositories', t.repositories, count(t.repositories), 'repositories')}${tile('lines', t.lines, count(t.lines), 'lines at their heads')}${tile('ai-lines', t.aiLines, count(t.aiLines), `written by agents (${percent(t.aiShare)})`)}${tile('commits', t.commits, count(t.commits), `commits, ${count(t.aiCommits)} with an agent`)}${tile('unreviewed-hunks', t.unreviewedHunks, count(t.unreviewedHunks), 'unreviewed high-risk AI hunks')}${tile('findings', t.findings, count(t.findings), 'suspect dependencies')}</div>
<section id="repositories" aria-labelledby="repositories-h"><h2 id="repositories-h">Repositories by AI share</h2>${t.repositories === 0 ? `<p class="none">${esc(orgSummary(report))}</p>` : repositoriesTable(report)}</section>
<section id="over-time" aria-labelledby="over-time-h"><h2 id="over-time-h">AI share over time</h2>${legend(series)}${timelineChart('org-timeline', 'Share of the lines written each month that the agents wrote, across every repository, of the lines still at their heads', report.timeline, series)}</section>
<section id="hunks" aria-labelledby="hunks-h"><h2 id="hunks-h">Unreviewed AI-written high-risk hunks</h2>${hunksRanking(report)}</section>
<section id="agents" aria-labelledby="agents-h"><h2 id="agents-h">Agents and models</h2>${agentsTable(report)}</section>
<section id="gate" aria-labelledby="gate-h"><h2 id="gate-h">The gate</h2>${gateSection(report)}</section>
<section id="dependencies" aria-labelledby="deps-h"><h2 id="deps-h">Dependency findings</h2>${findingsTable(report)}</section>
${report.scanner ? orgFindingsSection(report.scanner) : ''}
<section id="each" aria-labelledby="each-h"><h2 id="each-h">Each repository</h2>${report.repositories.map((r) => repositorySection(r, series)).join('\n')}</section>
</main>`;
  return htmlPage('AI provenance across the organisation', body, report);
}

/** The table format: the summary, then the repositories by AI share. */
export function renderOrgText(report: OrgReport): string {
  const byUrl = new Map(report.repositories.map((r) => [r.url, r]));
  const rows = report.rankings.byAiShare.flatMap((url) => {
    const r = byUrl.get(url);
    return r
      ? [
          `  ${percent(r.aiShare).padStart(6)}  ${r.name}  (${count(r.aiLines)} of ${count(r.lines)} lines; ${unknownText(r.unreviewedHunks, 'unreviewed high-risk hunks')}; ${r.findings === null ? 'no dependency audit' : `${count(r.findings)} suspect dependencies`})`,
        ]
      : [];
  });
  return `${orgSummary(report)}\n${rows.length > 0 ? `\nRepositories by AI share:\n${rows.join('\n')}\n` : ''}`;
}
