import { readOrgScanner } from './org-scanner.js';
import { isSharedKey } from '../blame/attribute.js';
import { gateStats } from '../dashboard/gate-stats.js';
import { fillPeriods } from '../dashboard/periods.js';
import { effectiveRules } from '../gate/config.js';
import type { CheckRecord } from '../gate/history.js';
import { envelope } from '../kernel/schemas.js';
import { compareStrings } from '../kernel/sorted.js';
import type { Severity } from '../policy/severity.js';
import type { SqlSession } from '../store/database.js';
import type { OrgAgent, OrgFinding, OrgHunk, OrgPeriod, OrgReport, OrgRepository } from './org-types.js';

export interface OrgReportOptions {
  store: SqlSession & { location: string };
  now: Date;
  /** A URL template for each repository's own page: the placeholders name and url, in braces, replaced (encoded); none by default. */
  repoLink?: string;
  /** Hunks listed per repository (the rest are counted). */
  hunksShown?: number;
}

type Rows = Record<string, string | number | null>[];
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const numOf = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));
const listOf = (v: unknown): string[] => (typeof v === 'string' && v !== '' ? v.split(',') : []);

/**
 * The organisation's page, from the store alone (no repository is read):
 * every figure a sum over what `collect` wrote, with the same definitions
 * as a repository's own dashboard (the gate's record by gateStats, lines
 * by the month their commit was written, shared lines apart).
 */
export async function readOrgReport(options: OrgReportOptions): Promise<OrgReport> {
  const { store } = options;
  const repos = await store.query('SELECT * FROM repositories ORDER BY name, repo');
  const months = await store.query('SELECT repo, SUBSTR(month, 1, 7) AS month, agent, lines FROM month_lines');
  const snapshots = await store.query('SELECT repo, head, committed_at, lines, ai_lines FROM head_snapshots ORDER BY committed_at, head');
  const agentRows = await repoAgents(store);
  const checks = await store.query('SELECT * FROM check_records ORDER BY checked_at');
  const hunks = await store.query('SELECT * FROM risky_hunks ORDER BY repo, path, start_line');
  const findings = await store.query(
    'SELECT f.*, r.name AS repository FROM dependency_findings f JOIN repository_state r ON r.repo = f.repo ORDER BY r.name, f.ecosystem, f.name',
  );
  const tierOf = tiers();
  const orgFindings = findings.map(findingOf);
  const repositories = repos.map((r, i) => repositoryOf(r, i, { months, snapshots, agentRows, checks, hunks, findings: orgFindings, tierOf, options }));
  const sum = (key: keyof OrgRepository): number => repositories.reduce((n, r) => n + numOf(r[key]), 0);
  const [lines, aiLines] = [sum('lines'), sum('aiLines')];
  return {
    ...envelope('orgReport'),
    store: store.location,
    generatedAt: options.now.toISOString(),
    totals: {
      repositories: repositories.length,
      files: sum('files'),
      lines,
      aiLines,
      aiShare: share(aiLines, lines),
      commits: sum('commits'),
      aiCommits: sum('aiCommits'),
      unreviewedHunks: sum('unreviewedHunks'),
      hunksUnknown: repositories.filter((r) => r.unreviewedHunks === null).length,
      findings: orgFindings.length,
      notAudited: repositories.filter((r) => r.findings === null).length,
    },
    rankings: {
      byAiShare: [...repositories].sort((a, b) => b.aiShare - a.aiShare || b.aiLines - a.aiLines || compareStrings(a.name, b.name)).map((r) => r.url),
      byUnreviewedHunks: [...repositories]
        .filter((r) => (r.unreviewedHunks ?? 0) > 0)
        .sort((a, b) => (b.unreviewedHunks ?? 0) - (a.unreviewedHunks ?? 0) || compareStrings(a.name, b.name))
        .map((r) => r.url),
    },
    timeline: timeline(months),
    agents: orgAgents(agentRows),
    gate: gateStats(
      checks.map((c) => checkRecord(c, true)),
      tierOf,
    ),
    findings: orgFindings,
    scanner: await readOrgScanner(store),
    repositories,
  };
}

function share(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1e6) / 1e6;
}

/** The built-in rules' tiers, for the findings the gate kept by rule (each repository's own policy chose its escalations when it was checked). */
function tiers(): (rule: string) => Severity {
  const tierOf = new Map<string, Severity>(effectiveRules(undefined, 'the built-in rules').map((r) => [r.id, r.tier]));
  return (rule) => tierOf.get(rule) ?? 'high';
}

/** Agents' commits and lines by repository and model, shared lines left out (as in a repository's dashboard). */
async function repoAgents(store: SqlSession): Promise<Rows> {
  const commits = await store.query('SELECT repo, agent, model, commits, first_seen, last_seen FROM commits_by_agent');
  const lines = await store.query("SELECT repo, agent, model, SUM(lines) AS lines FROM file_lines WHERE agent <> '' GROUP BY repo, agent, model");
  const key = (r: Rows[number]) => `${str(r.repo)}\u0000${str(r.agent)}\u0000${str(r.model)}`;
  const out = new Map<string, Rows[number]>();
  for (const r of commits) out.set(key(r), { ...r, first_seen: isoOf(r.first_seen), last_seen: isoOf(r.last_seen), lines: 0 });
  for (const r of lines) {
    if (isSharedKey(str(r.agent))) continue;
    const row = out.get(key(r)) ?? { repo: r.repo ?? null, agent: r.agent ?? null, model: r.model ?? null, commits: 0, first_seen: null, last_seen: null };
    out.set(key(r), { ...row, lines: numOf(r.lines) });
  }
  return [...out.values()];
}

/** A time from a view: text on SQLite, a Date on PostgreSQL (its views cast to timestamptz). */
function isoOf(value: unknown): string | null {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? new Date(value).toISOString() : null;
}

function timeline(months: Rows, repo?: string): OrgPeriod[] {
  const byStart = new Map<string, OrgPeriod>();
  for (const m of months) {
    if (repo !== undefined && m.repo !== repo) continue;
    const start = `${str(m.month)}-01`;
    const period = byStart.get(start) ?? { start, lines: 0, aiLines: 0, byAgent: {} };
    byStart.set(start, period);
    const n = numOf(m.lines);
    period.lines += n;
    const agent = str(m.agent);
    if (agent === '') continue;
    period.aiLines += n;
    period.byAgent[agent] = (period.byAgent[agent] ?? 0) + n;
  }
  return fillPeriods(byStart, 'month', (start) => ({ start, lines: 0, aiLines: 0, byAgent: {} }));
}

function orgAgents(rows: Rows): OrgAgent[] {
  const byAgent = new Map<string, OrgAgent & { repos: Set<string>; modelSet: Set<string> }>();
  for (const r of rows) {
    const agent = str(r.agent);
    const a = byAgent.get(agent) ?? {
      agent,
      models: [],
      repositories: 0,
      commits: 0,
      lines: 0,
      firstSeen: null,
      lastSeen: null,
      repos: new Set(),
      modelSet: new Set(),
    };
    byAgent.set(agent, a);
    a.repos.add(str(r.repo));
    a.modelSet.add(str(r.model));
    a.commits += numOf(r.commits);
    a.lines += numOf(r.lines);
    const first = typeof r.first_seen === 'string' ? r.first_seen : null;
    const last = typeof r.last_seen === 'string' ? r.last_seen : null;
    if (first !== null && (a.firstSeen === null || first < a.firstSeen)) a.firstSeen = first;
    if (last !== null && (a.lastSeen === null || last > a.lastSeen)) a.lastSeen = last;
  }
  return [...byAgent.values()]
    .map(({ repos, modelSet, ...a }) => ({ ...a, repositories: repos.size, models: [...modelSet].sort(compareStrings) }))
    .sort((a, b) => b.lines - a.lines || b.commits - a.commits || compareStrings(a.agent, b.agent));
}

function checkRecord(r: Rows[number], qualified: boolean): CheckRecord {
  const byRule = JSON.parse(str(r.by_rule) || '{}') as Record<string, number>;
  const waiting = r.waiting_by_rule === null ? undefined : (JSON.parse(str(r.waiting_by_rule) || '{}') as Record<string, number>);
  return {
    checkedAt: str(r.checked_at),
    base: str(r.base),
    // Across repositories a change is a repository's head: two repositories may share a commit (a fork).
    head: qualified ? `${str(r.repo)} ${str(r.head)}` : str(r.head),
    decision: str(r.decision) as CheckRecord['decision'],
    couldNotDecide: numOf(r.could_not_decide) === 1,
    aiShare: 0,
    aiLines: numOf(r.ai_lines),
    lines: numOf(r.lines),
    escalations: numOf(r.escalations),
    waiting: numOf(r.waiting),
    ...(waiting ? { waitingByRule: waiting } : {}),
    secrets: numOf(r.secrets),
    dependencies: numOf(r.dependencies),
    byRule,
    tool: str(r.tool),
  };
}

function findingOf(f: Rows[number]): OrgFinding {
  return {
    repo: str(f.repo),
    repository: str(f.repository),
    ecosystem: str(f.ecosystem),
    name: str(f.name),
    spec: str(f.spec),
    verdict: str(f.verdict),
    signals: listOf(f.signals),
    suggestion: typeof f.suggestion === 'string' ? f.suggestion : null,
    file: str(f.file),
    commit: typeof f.commit_sha === 'string' ? f.commit_sha : null,
    ai: numOf(f.ai) === 1,
    agents: listOf(f.agents),
  };
}

interface Parts {
  months: Rows;
  snapshots: Rows;
  agentRows: Rows;
  checks: Rows;
  hunks: Rows;
  findings: OrgFinding[];
  tierOf: (rule: string) => Severity;
  options: OrgReportOptions;
}

const TIER_ORDER = ['critical', 'high', 'medium', 'low'];

function repositoryOf(r: Rows[number], index: number, parts: Parts): OrgRepository {
  const url = str(r.repo);
  const mine = <T extends Rows[number]>(rows: T[]): T[] => rows.filter((x) => x.repo === url);
  const gate = gateStats(
    mine(parts.checks).map((c) => checkRecord(c, false)),
    parts.tierOf,
  );
  const hunks: OrgHunk[] = mine(parts.hunks)
    .map((h) => ({
      path: str(h.path),
      start: numOf(h.start_line),
      end: numOf(h.end_line),
      rule: str(h.rule),
      tier: str(h.tier),
      agents: listOf(h.agents),
      commit: str(h.commit_sha),
    }))
    .sort((a, b) => TIER_ORDER.indexOf(a.tier) - TIER_ORDER.indexOf(b.tier) || compareStrings(a.path, b.path) || a.start - b.start);
  const [lines, aiLines] = [numOf(r.lines), numOf(r.ai_lines)];
  const template = parts.options.repoLink;
  return {
    id: `repo-${index + 1}`,
    url,
    name: str(r.name),
    defaultBranch: typeof r.default_branch === 'string' ? r.default_branch : null,
    head: typeof r.head === 'string' ? r.head : null,
    collectedAt: isoOf(r.collected_at),
    verifiedOnly: numOf(r.verified_only) === 1,
    files: numOf(r.files),
    lines,
    aiLines,
    aiShare: share(aiLines, lines),
    suggestionLines: numOf(r.suggestion_lines),
    commits: numOf(r.commits),
    aiCommits: numOf(r.ai_commits),
    unreviewedHunks: r.unreviewed_hunks === null ? null : numOf(r.unreviewed_hunks),
    findings: r.deps_audited_at === null ? null : parts.findings.filter((f) => f.repo === url).length,
    depsAuditedAt: isoOf(r.deps_audited_at),
    gate: { changes: gate.changes, passRate: gate.passRate, escalationRate: gate.escalationRate },
    timeline: timeline(parts.months, url),
    snapshots: mine(parts.snapshots).map((s) => ({ head: str(s.head), committedAt: str(s.committed_at), lines: numOf(s.lines), aiLines: numOf(s.ai_lines) })),
    agents: mine(parts.agentRows)
      .map((a) => ({
        agent: str(a.agent),
        model: str(a.model),
        commits: numOf(a.commits),
        lines: numOf(a.lines),
        firstSeen: typeof a.first_seen === 'string' ? a.first_seen : null,
        lastSeen: typeof a.last_seen === 'string' ? a.last_seen : null,
      }))
      .sort((a, b) => b.lines - a.lines || b.commits - a.commits || compareStrings(a.agent, b.agent) || compareStrings(a.model, b.model)),
    hunks: hunks.slice(0, parts.options.hunksShown ?? 20),
    link: template === undefined ? null : template.replace(/\{name\}/g, encodeURIComponent(str(r.name))).replace(/\{url\}/g, encodeURIComponent(url)),
  };
}
