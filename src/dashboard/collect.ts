import type { BlameCache } from '../blame/groups-cache.js';
import { dashboardFindings } from './findings.js';
import type { FindingsReport } from '../findings/types.js';
import path from 'node:path';
import type { AnalyserFactory } from '../authorship/analyse.js';
import { openScan } from '../authorship/scan.js';
import type { CommitClass } from '../authorship/coverage.js';
import type { CommitReport, ScanWarning } from '../authorship/types.js';
import { addCounts, countParts, emptyCounts, isSharedKey, share, type Part } from '../blame/attribute.js';
import { blameTree } from '../blame/blame.js';
import type { LineCounts } from '../blame/types.js';
import type { BlameGroup } from '../git/blame.js';
import type { DepsReport } from '../deps/audit.js';
import { compileRules, pathGlob } from '../gate/classify.js';
import { DEFAULT_ESCALATE, effectiveRules, type ReviewConfig, type RiskConfig } from '../gate/config.js';
import { readCheckRecords } from '../gate/history.js';

import type { HistoryReader, NotesReader, SignatureReader, TreeReader } from '../git/types.js';
import { envelope } from '../kernel/schemas.js';
import { compareStrings } from '../kernel/sorted.js';
import { dependencyRows } from './dependencies.js';
import { gateStats } from './gate-stats.js';
import { fillPeriods, periodStart } from './periods.js';
import { riskyHunks, type AiSegment } from './risky-hunks.js';
import { buildTree, type FileFacts } from './tree.js';
import type { AgentRow, BomSummary, CoveragePeriod, DashboardData, Granularity, Period } from './types.js';
import { type Severity } from '../policy/severity.js';

/** The part of a Context (context/context.ts) the dashboard needs. */
export interface DashboardContext {
  git: HistoryReader & TreeReader & NotesReader & SignatureReader;
  analyser: AnalyserFactory;
}

export interface DashboardOptions {
  context: DashboardContext;
  /** The revision whose tree is shown (default HEAD); its history is what the timeline and agents count. */
  rev?: string;
  /** Leave out commits, lines and checks before this time. */
  since?: Date;
  now: Date;
  /** The risk rules and escalated tiers (the config's `risk:` and `review:`; default the built-in rules). */
  risk?: RiskConfig;
  review?: ReviewConfig;
  /** Where the risk and review settings came from, for error messages. */
  policySource?: string;
  /** A dependency audit of the same repository (`aiprov deps audit --format json`), and the file it came from. */
  deps?: { report: DepsReport; file: string };
  bom?: { sbom: Record<string, unknown>; file: string };
  /** A scanner's findings attributed at the same revision (findings/findings.ts), shown in their own section. */
  findings?: FindingsReport;
  /** Blame a shallow clone anyway (lines older than its boundary go to the boundary commit). */
  allowShallow?: boolean;
  /** Files left out of the tree's figures (globs, as blame's --exclude). */
  exclude?: string[];
  /** Files shown one by one in the tree before the smallest are folded (default 1,500). */
  treeBudget?: number;
  /** `git blame`'s answers kept between runs (blame/groups-cache.ts); none: every file blamed afresh. */
  cache?: BlameCache;
  jobs?: number;
  onProgress?: (done: number, total: number) => void;
  /** Shown what the page is made of as it is read, for a caller that keeps more than the page (the organisation's store). */
  observe?: DashboardObserver;
}

/** Each blamed group of lines with who wrote them, and each commit of the history with its evidence class. */
export interface DashboardObserver {
  group?: (file: string, group: BlameGroup, parts: readonly Part[]) => void;
  commit?: (report: CommitReport, cls: CommitClass) => void;
}

/** Risky hunks listed one by one in the page; the rest are counted. */
const HUNKS_SHOWN = 500;

/**
 * Everything the dashboard shows, aggregated: one scan of the history, one
 * blame of the tree, the recorded checks and reviews. The page holds these
 * sums, never the commits or lines themselves, so its size follows the
 * number of weeks, agents and (up to a budget) files, not of commits.
 */
export async function collectDashboard(options: DashboardOptions): Promise<DashboardData> {
  const { git } = options.context;
  const revSpec = options.rev ?? 'HEAD';
  const rev = await git.resolveCommit(revSpec);
  const since = options.since?.getTime() ?? -Infinity;
  const tree = await blameForDashboard(options, rev);
  const history = await historyForDashboard(options, rev, tree.byCommit, since);
  const warnings: ScanWarning[] = [...tree.warnings, ...history.warnings];

  const rules = effectiveRules(options.risk, options.policySource ?? 'the configuration');
  const compiled = compileRules(rules, options.policySource);
  const tierOf = new Map<string, Severity>(rules.map((r) => [r.id, r.tier]));
  const fileFacts: FileFacts[] = tree.files.map((f) => ({
    path: f.path,
    lines: f.lines,
    aiLines: f.aiLines,
    rules: compiled.filter((c) => pathGlob(c, f.path) !== undefined).map((c) => ({ id: c.rule.id, tier: c.rule.tier })),
  }));
  const escalate = options.review?.escalate ?? [...DEFAULT_ESCALATE];
  const escalated = compiled.filter((c) => escalate.includes(c.rule.tier));
  const hunks = await riskyHunks({
    git,
    analyser: options.context.analyser,
    rev,
    segments: tree.segments,
    rules: escalated,
    authoredAt: history.authoredAt,
    ...(options.review ? { review: options.review } : {}),
    ...(options.policySource !== undefined ? { policySource: options.policySource } : {}),
    now: options.now,
    warnings,
  });

  const checks = await readCheckRecords(git);
  if (checks.unreadable > 0) {
    const many = checks.unreadable === 1 ? ' is' : 's are';
    warnings.push({ code: 'BAD_NOTE', message: `refs/notes/aiprov-checks: ${checks.unreadable} line${many} not a check record; left out` });
  }
  const undated = undatedWarning(
    [...tree.byCommit.keys()].filter((sha) => !history.authoredAt.has(sha)),
    revSpec,
  );
  if (undated) warnings.push(undated);
  const periodCounts = [...tree.byCommit].filter(([sha]) => (history.authoredAt.get(sha) ?? -Infinity) >= since && history.authoredAt.has(sha));
  const counted = emptyCounts(true);
  for (const [, c] of periodCounts) addCounts(counted, c);

  return {
    ...envelope('dashboard'),
    repository: { name: path.basename(git.root), head: history.head },
    rev,
    revSpec,
    since: options.since?.toISOString() ?? null,
    generatedAt: options.now.toISOString(),
    totals: {
      lines: counted.lines,
      aiLines: counted.aiLines,
      aiShare: share(counted),
      files: tree.files.length,
      commits: history.commits,
      aiCommits: history.aiCommits,
      // At the revision, whatever `since` says: applied review suggestions are counted apart from the AI share.
      suggestionLines: tree.suggestionLines,
    },
    timeline: { week: timeline(periodCounts, history.authoredAt, 'week'), month: timeline(periodCounts, history.authoredAt, 'month') },
    coverage: history.coverage,
    tree: buildTree(fileFacts, options.treeBudget ?? 1500),
    riskyHunks: { total: hunks.length, shown: hunks.slice(0, HUNKS_SHOWN) },
    agents: agentRows(history.seen, counted),
    gate: gateStats(
      checks.records.filter((r) => Date.parse(r.checkedAt) >= since),
      (rule) => tierOf.get(rule) ?? 'high',
    ),
    dependencies: options.deps ? dependencyRows(options.deps.report, options.deps.file) : null,
    bom: options.bom ? bomSummary(options.bom.sbom, options.bom.file) : null,
    ...(options.findings ? { findings: dashboardFindings(options.findings) } : {}),
    warnings,
  };
}

/** The tree first: every surviving line, with the commit that wrote it and who did (counts by commit, AI-written runs). */
async function blameForDashboard(options: DashboardOptions, rev: string) {
  const byCommit = new Map<string, LineCounts>();
  const segments: AiSegment[] = [];
  const blame = await blameTree({
    context: options.context,
    rev,
    ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
    ...(options.allowShallow === true ? { allowShallow: true } : {}),
    ...(options.exclude && options.exclude.length > 0 ? { exclude: options.exclude } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.cache ? { cache: options.cache } : {}),
    onGroup: (file, group, parts) => {
      options.observe?.group?.(file, group, parts);
      const counts = byCommit.get(group.sha) ?? emptyCounts(true);
      byCommit.set(group.sha, counts);
      countParts(group, parts, counts);
      if (parts.length > 0) segments.push(...segmentsOf(file, group, parts));
    },
  });
  return { byCommit, segments, files: blame.files, fileCount: blame.totals.files, suggestionLines: blame.suggestions?.lines ?? 0, warnings: blame.warnings };
}

/** Then the history: when each commit with lines in the tree was written, and which agents and models each commit was written with. */
async function historyForDashboard(options: DashboardOptions, rev: string, inTree: ReadonlyMap<string, LineCounts>, since: number) {
  const byMonth = new Map<string, CoveragePeriod>();
  const classify = (commit: CommitReport, cls: CommitClass): void => {
    options.observe?.commit?.(commit, cls);
    const time = Date.parse(commit.authoredAt);
    if (cls === 'neither' || time < since) return;
    const start = periodStart(new Date(time), 'month');
    const period = byMonth.get(start) ?? emptyCoverage(start);
    byMonth.set(start, period);
    period.aiCommits++;
    period[cls]++;
  };
  const scan = await openScan({ context: options.context, range: rev, onClassified: classify });
  const authoredAt = new Map<string, number>();
  const seen = new Map<string, { commits: number; first: number; last: number }>();
  let [commits, aiCommits] = [0, 0];
  for await (const commit of scan.commits()) {
    const time = Date.parse(commit.authoredAt);
    // Only the dates of commits with lines in the tree are kept: on a long history most have none left.
    if (inTree.has(commit.sha)) authoredAt.set(commit.sha, time);
    if (time < since) continue;
    commits++;
    if (commit.ai) aiCommits++;
    const keys = new Set<string>();
    for (const d of commit.detections) if (d.role === 'author') keys.add(`${d.agent}/*`).add(`${d.agent}/${d.model ?? 'unknown'}`);
    for (const key of keys) {
      const entry = seen.get(key) ?? { commits: 0, first: time, last: time };
      entry.commits++;
      entry.first = Math.min(entry.first, time);
      entry.last = Math.max(entry.last, time);
      seen.set(key, entry);
    }
  }
  const coverage = fillPeriods(byMonth, 'month', emptyCoverage);
  return { authoredAt, seen, commits, aiCommits, coverage, head: scan.repository.head, warnings: scan.warnings };
}

function emptyCoverage(start: string): CoveragePeriod {
  return { start, aiCommits: 0, lineRecords: 0, wholeCommitRecords: 0, signaturesOnly: 0 };
}

/** Every blamed commit is in the revision's history; one that is not (it cannot be dated) is said, not put in 1970. */
function undatedWarning(undated: readonly string[], revSpec: string): ScanWarning | undefined {
  if (undated.length === 0) return undefined;
  const one = undated.length === 1;
  const named = undated
    .slice(0, 3)
    .map((s) => s.slice(0, 12))
    .join(', ');
  return {
    code: 'FILE_NOT_READ',
    message: `${undated.length} commit${one ? '' : 's'} blame named ${one ? 'is' : 'are'} not in the history of ${revSpec} (${named}); ${one ? 'its' : 'their'} lines are left out of the figures`,
  };
}

/** The AI-claimed lines of a blame group, as runs of lines at the revision, each with the agents that claim it. */
function segmentsOf(file: string, group: { sha: string; origLine: number; finalLine: number; lines: number }, parts: readonly Part[]): AiSegment[] {
  const out: AiSegment[] = [];
  for (let k = 0; k < group.lines; k++) {
    const orig = group.origLine + k;
    const agents = [...new Set(parts.filter((p) => p.ranges.some(([a, b]) => orig >= a && orig <= b)).map((p) => p.agent))].sort(compareStrings);
    if (agents.length === 0) continue;
    const line = group.finalLine + k;
    const last = out[out.length - 1];
    if (last && last.end === line - 1 && last.agents.join() === agents.join()) last.end = line;
    else out.push({ path: file, start: line, end: line, agents, commit: group.sha });
  }
  return out;
}

function timeline(counts: readonly [string, LineCounts][], authoredAt: ReadonlyMap<string, number>, granularity: Granularity): Period[] {
  const byStart = new Map<string, Period>();
  for (const [sha, c] of counts) {
    const start = periodStart(new Date(authoredAt.get(sha) ?? 0), granularity);
    const period = byStart.get(start) ?? { start, lines: 0, aiLines: 0, byAgent: {} };
    byStart.set(start, period);
    period.lines += c.lines;
    period.aiLines += c.aiLines;
    for (const [agent, n] of Object.entries(c.byAgent)) period.byAgent[agent] = (period.byAgent[agent] ?? 0) + n;
  }
  return fillPeriods(byStart, granularity, (start) => ({ start, lines: 0, aiLines: 0, byAgent: {} }));
}

/** One row per agent (model `*`) and per agent and model, most lines first; lines several agents share are in the totals under `a+b`, not a row. */
function agentRows(seen: ReadonlyMap<string, { commits: number; first: number; last: number }>, counted: LineCounts): AgentRow[] {
  const lines = new Map<string, number>();
  for (const [key, n] of Object.entries(counted.byContributor ?? {})) lines.set(key, n);
  for (const [agent, n] of Object.entries(counted.byAgent)) lines.set(`${agent}/*`, n);
  const keys = new Set([...seen.keys(), ...lines.keys()].filter((k) => !isSharedKey(k)));
  const rows = [...keys].map((key): AgentRow => {
    const slash = key.indexOf('/');
    const s = seen.get(key);
    const n = lines.get(key) ?? 0;
    return {
      agent: key.slice(0, slash),
      model: key.slice(slash + 1),
      commits: s?.commits ?? 0,
      lines: n,
      share: counted.lines === 0 ? 0 : Math.round((n / counted.lines) * 1e6) / 1e6,
      firstSeen: s ? new Date(s.first).toISOString() : null,
      lastSeen: s ? new Date(s.last).toISOString() : null,
    };
  });
  const agentLines = (agent: string): number => lines.get(`${agent}/*`) ?? 0;
  return rows.sort(
    (a, b) =>
      agentLines(b.agent) - agentLines(a.agent) ||
      compareStrings(a.agent, b.agent) ||
      (a.model === '*' ? -1 : b.model === '*' ? 1 : b.lines - a.lines || compareStrings(a.model, b.model)),
  );
}

function bomSummary(sbom: Record<string, unknown>, file: string): BomSummary {
  const components = Array.isArray(sbom.components) ? (sbom.components as { type?: unknown }[]) : [];
  return {
    file,
    specVersion: typeof sbom.specVersion === 'string' ? sbom.specVersion : 'unknown',
    serialNumber: typeof sbom.serialNumber === 'string' ? sbom.serialNumber : null,
    components: components.length,
    models: components.filter((c) => c.type === 'machine-learning-model').length,
    vulnerabilities: Array.isArray(sbom.vulnerabilities) ? sbom.vulnerabilities.length : 0,
  };
}
