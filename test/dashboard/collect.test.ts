import { beforeAll, describe, expect, it } from 'vitest';
import { scanHistory } from '../../src/authorship/scan.js';
import { blameTree } from '../../src/blame/blame.js';
import { collectDashboard } from '../../src/dashboard/collect.js';
import { dependencyRows } from '../../src/dashboard/dependencies.js';
import { gateStats } from '../../src/dashboard/gate-stats.js';
import { periodStart, periodsBetween } from '../../src/dashboard/periods.js';
import { buildTree } from '../../src/dashboard/tree.js';
import type { DashboardData } from '../../src/dashboard/types.js';
import type { DepsReport } from '../../src/deps/audit.js';
import type { CheckRecord } from '../../src/gate/history.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { ctx, tempDir } from '../helpers.js';
import { sharedLinesRepo } from '../../fixtures/repos.js';
import { renderDashboardHtml } from '../../src/render/dashboard-page.js';
import { buildDashboardRepo, type DashboardRepo } from './dashboard-repo.js';

let repo: DashboardRepo;
let data: DashboardData;
const NOW = new Date('2026-04-10T12:00:00Z');

beforeAll(async () => {
  repo = await buildDashboardRepo(await tempDir());
  data = await collectDashboard({ context: await ctx(repo.dir), now: NOW });
});

describe('dashboard data', () => {
  it("validates against its schema, and its figures are the scan's and blame's of the same repository", async () => {
    expect(validateAgainst('dashboard', data)).toBeNull();
    const context = await ctx(repo.dir);
    const [scan, blame] = [await scanHistory({ context }), await blameTree({ context })];
    expect(data.totals).toMatchObject({
      lines: blame.totals.lines,
      aiLines: blame.totals.aiLines,
      aiShare: blame.totals.aiShare,
      files: blame.totals.files,
      commits: scan.summary.commits,
      aiCommits: scan.summary.aiCommits,
    });
    expect(data.totals).toMatchObject({ lines: 13, aiLines: 8, commits: 6, aiCommits: 4 });
    for (const [agent, summary] of Object.entries(scan.summary.byAgent)) {
      const row = data.agents.find((a) => a.agent === agent && a.model === '*');
      expect(row, agent).toMatchObject({ commits: summary.commits, lines: blame.totals.byAgent[agent] ?? 0 });
    }
    expect(data.agents.find((a) => a.agent === 'aider' && a.model === 'gpt-4o')).toMatchObject({
      commits: 1,
      lines: 1,
      firstSeen: '2026-03-16T09:00:00.000Z',
      lastSeen: '2026-03-16T09:00:00.000Z',
    });
    expect(data.agents.find((a) => a.agent === 'claude-code' && a.model === '*')).toMatchObject({
      commits: 3,
      lines: 7,
      share: Math.round((7 / 13) * 1e6) / 1e6,
      firstSeen: '2026-03-04T09:00:00.000Z',
      lastSeen: '2026-04-07T09:00:00.000Z',
    });
  });

  it('the timeline adds up to the totals by week and by month, with empty weeks shown as empty', () => {
    for (const periods of [data.timeline.week, data.timeline.month]) {
      expect(periods.reduce((n, p) => n + p.lines, 0)).toBe(data.totals.lines);
      expect(periods.reduce((n, p) => n + p.aiLines, 0)).toBe(data.totals.aiLines);
    }
    expect(data.timeline.week.map((w) => w.start)).toEqual(['2026-03-02', '2026-03-09', '2026-03-16', '2026-03-23', '2026-03-30', '2026-04-06']);
    expect(data.timeline.week[3]).toEqual({ start: '2026-03-23', lines: 0, aiLines: 0, byAgent: {} });
    expect(data.timeline.week[0]).toEqual({ start: '2026-03-02', lines: 7, aiLines: 3, byAgent: { 'claude-code': 3 } });
    expect(data.timeline.month.map((m) => [m.start, m.lines, m.aiLines])).toEqual([
      ['2026-03-01', 10, 6],
      ['2026-04-01', 3, 2],
    ]);
  });

  it("lists the AI-written high-risk hunks no counted review covers: by path and by content; claims (an unsigned trailer or note) and the author's own review do not cover, a signed review by a trusted signer does", async () => {
    expect(data.riskyHunks.total).toBe(4);
    expect(data.riskyHunks.shown.map((h) => [h.path, h.start, h.end, h.rule, h.tier, h.agents.join()])).toEqual([
      ['src/db.ts', 1, 2, 'sql-strings', 'high', 'claude-code'],
      ['src/auth/token.ts', 1, 1, 'auth', 'high', 'aider'],
      ['src/auth/session.ts', 1, 2, 'auth', 'high', 'claude-code'],
      ['src/auth/login.ts', 1, 3, 'auth', 'high', 'claude-code'],
    ]);
    const trusted = await collectDashboard({
      context: await ctx(repo.dir),
      now: NOW,
      review: { signers: [{ email: 'riley@example.com', key: repo.reviewKey }] },
    });
    expect(trusted.riskyHunks.shown.map((h) => h.path)).toEqual(['src/db.ts', 'src/auth/session.ts', 'src/auth/login.ts']);
    // The same key listed for someone else: the review names Riley, so it does not count.
    const other = await collectDashboard({ context: await ctx(repo.dir), now: NOW, review: { signers: [{ email: 'dana@example.com', key: repo.reviewKey }] } });
    expect(other.riskyHunks.total).toBe(4);
  });

  it('marks risky paths in the tree and keeps its sums', () => {
    const src = data.tree.children?.find((c) => c.name === 'src');
    const auth = src?.children?.find((c) => c.name === 'auth');
    expect(auth).toMatchObject({ path: 'src/auth', files: 3, lines: 6, aiLines: 6, risk: 'high' });
    expect(auth?.children?.find((c) => c.name === 'login.ts')).toMatchObject({ risk: 'high', rules: ['auth'] });
    expect(data.tree).toMatchObject({ lines: data.totals.lines, aiLines: data.totals.aiLines, files: data.totals.files });
  });

  it('the gate: each change once by its latest decision; rates, time to pass, open findings; forged and unreadable lines are left out and said', () => {
    expect(data.gate).toMatchObject({
      runs: 5,
      changes: 4,
      passed: 3,
      needsReview: 0,
      failed: 1,
      escalated: 2,
      passRate: 0.75,
      escalationRate: 0.5,
      medianHoursToPass: 4,
    });
    expect(data.gate.openFindings).toEqual([
      { rule: 'secret', severity: 'critical', count: 1 },
      { rule: 'sql-strings', severity: 'high', count: 1 },
    ]);
    expect(data.gate.weeks.map((w) => [w.start, w.pass, w.needsReview, w.fail])).toEqual([
      ['2026-03-02', 1, 0, 0],
      ['2026-03-09', 1, 0, 0],
      ['2026-03-16', 0, 0, 0],
      ['2026-03-23', 0, 0, 0],
      ['2026-03-30', 0, 0, 0],
      ['2026-04-06', 1, 0, 1],
    ]);
    expect(data.warnings.map((w) => w.message)).toContain('refs/notes/aiprov-checks: 2 lines are not a check record; left out');
  });

  it('--since leaves out older commits, lines and checks', async () => {
    const since = await collectDashboard({ context: await ctx(repo.dir), now: NOW, since: new Date('2026-04-01T00:00:00Z') });
    expect(validateAgainst('dashboard', since)).toBeNull();
    expect(since.totals).toMatchObject({ lines: 3, aiLines: 2, commits: 2, aiCommits: 1 });
    expect(since.agents.map((a) => `${a.agent}/${a.model}`)).toEqual(['claude-code/*', 'claude-code/unknown']);
    expect(since.gate).toMatchObject({ changes: 2, passed: 1, failed: 1 });
    expect(since.timeline.week.map((w) => w.start)).toEqual(['2026-04-06']);
  });
});

describe('dashboard parts', () => {
  it('weeks start on Monday and months on the 1st, in UTC; gaps are filled', () => {
    expect(periodStart(new Date('2026-03-08T23:59:59Z'), 'week')).toBe('2026-03-02');
    expect(periodStart(new Date('2026-03-09T00:00:00Z'), 'week')).toBe('2026-03-09');
    expect(periodStart(new Date('2026-01-01T03:00:00+05:00'), 'month')).toBe('2025-12-01');
    expect(periodsBetween('2025-11-01', '2026-02-01', 'month')).toEqual(['2025-11-01', '2025-12-01', '2026-01-01', '2026-02-01']);
  });

  it('a large tree folds its smallest files into one leaf per directory, never a risky one, and keeps every sum', () => {
    const files = Array.from({ length: 50 }, (_, i) => ({
      path: `lib/f${String(i).padStart(2, '0')}.ts`,
      lines: 100 - i,
      aiLines: i % 2,
      rules: [] as { id: string; tier: 'high' }[],
    }));
    files.push({ path: 'lib/auth/tiny.ts', lines: 1, aiLines: 1, rules: [{ id: 'auth', tier: 'high' }] });
    const tree = buildTree(files, 10);
    const lib = tree.children?.[0];
    const leaves = lib?.children ?? [];
    expect(leaves.filter((c) => !c.folded && !c.children)).toHaveLength(10);
    expect(leaves.find((c) => c.folded)).toMatchObject({ name: '(40 more files)', files: 40 });
    expect(lib?.children?.find((c) => c.name === 'auth')?.children?.[0]).toMatchObject({ path: 'lib/auth/tiny.ts', risk: 'high' });
    expect(tree).toMatchObject({ files: 51, lines: files.reduce((n, f) => n + f.lines, 0), aiLines: files.reduce((n, f) => n + f.aiLines, 0), risk: 'high' });
  });

  it('no decision recorded: rates are null, not 0% or 100%', () => {
    expect(gateStats([], () => 'high')).toMatchObject({
      changes: 0,
      passRate: null,
      escalationRate: null,
      medianHoursToPass: null,
      weeks: [],
      openFindings: [],
    });
    const held: CheckRecord = {
      checkedAt: '2026-01-01T00:00:00Z',
      base: 'b',
      head: 'h',
      decision: 'needs-review',
      couldNotDecide: false,
      aiShare: 1,
      aiLines: 1,
      lines: 1,
      escalations: 2,
      waiting: 1,
      byRule: { auth: 1, crypto: 1 },
      secrets: 0,
      dependencies: 0,
      tool: 'aiprov',
    };
    // An old record says only how many waited: the rules that escalated are the open findings.
    expect(gateStats([held], (r) => (r === 'crypto' ? 'critical' : 'high')).openFindings).toEqual([
      { rule: 'auth', severity: 'high', count: 1 },
      { rule: 'crypto', severity: 'critical', count: 1 },
    ]);
  });

  it('dependency rows: hallucinated, typosquatted, suspicious and unknown names with who brought them in; ok names and suppressed findings are not rows', () => {
    const dep = (name: string, verdict: string, findings: object[] = [], introducedBy?: object): object => ({
      ecosystem: 'npm',
      name,
      spec: '^1.0.0',
      sources: [{ file: 'package.json', line: 3, kind: 'manifest' }],
      verdict,
      findings,
      unknownSignals: [],
      ...(introducedBy ? { introducedBy } : {}),
    });
    const report = {
      dependencies: [
        dep('express', 'ok'),
        dep('expresss', 'suspicious', [{ id: 'typosquat', severity: 'high', message: 'one letter from express', suggestion: 'express' }]),
        dep('lodahs', 'warn', [{ id: 'typosquat', severity: 'high', message: 'x', suggestion: 'lodash', suppressed: { reason: 'ours' } }]),
        dep('react-magic-helpers', 'hallucinated', [{ id: 'not-found', severity: 'critical', message: 'no such package' }], {
          sha: 'a'.repeat(40),
          ai: true,
          agents: ['claude-code'],
          subject: 'Add helpers',
        }),
        dep('left-pad', 'unknown'),
      ],
    } as unknown as DepsReport;
    const rows = dependencyRows(report, 'deps.json');
    expect(rows.rows.map((r) => [r.name, r.verdict, r.signals.join(), r.suggestion ?? ''])).toEqual([
      ['react-magic-helpers', 'hallucinated', 'not-found', ''],
      ['expresss', 'suspicious', 'typosquat', 'express'],
      ['left-pad', 'unknown', '', ''],
    ]);
    expect(rows.rows[0]?.introducedBy).toEqual({ commit: 'a'.repeat(40), ai: true, agents: ['claude-code'], subject: 'Add helpers' });
  });
});

describe('lines several agents wrote', () => {
  it('are counted under the agents that share them, shown as their own series named by them, and validate', async () => {
    const dir = await tempDir();
    await sharedLinesRepo(dir);
    const shared = await collectDashboard({ context: await ctx(dir), now: NOW });
    expect(validateAgainst('dashboard', shared)).toBeNull();
    const byAgent = (shared.timeline.week.find((p) => p.aiLines > 0) ?? { byAgent: {} }).byAgent;
    expect(byAgent).toEqual({ 'claude-code': 2, 'claude-code+cursor': 2, 'cursor': 2 });
    expect(shared.agents.filter((a) => a.model === '*').map((a) => [a.agent, a.lines])).toEqual([
      ['claude-code', 2],
      ['cursor', 2],
    ]);
    expect(renderDashboardHtml(shared)).toContain('claude-code + cursor (shared)');
  });
});
