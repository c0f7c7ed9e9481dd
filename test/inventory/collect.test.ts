import { execFileSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectDashboard } from '../../src/dashboard/collect.js';
import { recordCheck } from '../../src/gate/history.js';
import { openRepository } from '../../src/git/repository.js';
import { collectRepository, type CollectResult } from '../../src/inventory/collect.js';
import { remoteIdentity } from '../../src/inventory/identity.js';
import { fixedClock } from '../../src/kernel/clock.js';
import type { SqlDatabase } from '../../src/store/database.js';
import { openStore } from '../../src/store/open.js';
import { INVENTORY_TABLES } from '../../src/store/schema.js';
import { ctx, tempDir } from '../helpers.js';
import { buildDashboardRepo, type DashboardRepo } from '../dashboard/dashboard-repo.js';
import { backends } from '../store/backends.js';

const NOW = '2026-04-10T12:00:00Z';
const TABLES = INVENTORY_TABLES;

let original: DashboardRepo;
let scratch: string;
let copies = 0;
beforeAll(async () => {
  scratch = await tempDir('aiprov-collect-');
  original = await buildDashboardRepo(path.join(scratch, 'original'));
  execFileSync('git', ['-C', original.dir, 'remote', 'add', 'origin', 'https://gitlab-ci-token:glcbt-secret@gitlab.example.com/Shop/Web.git']);
});

/** A copy of the fixture (notes and all) that a test may change. */
function copy(): string {
  const dir = path.join(scratch, `copy-${++copies}`);
  cpSync(original.dir, dir, { recursive: true });
  // The fixture is written by fast-import, which checks nothing out.
  git(dir, 'reset', '-q', '--hard');
  return dir;
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, '-c', 'user.name=Sam Dev', '-c', 'user.email=sam@example.com', ...args], { encoding: 'utf8' }).trim();
}

function commit(dir: string, file: string, text: string, message: string): void {
  writeFileSync(path.join(dir, file), text);
  git(dir, 'add', file);
  git(dir, 'commit', '-q', '-m', message);
}

async function collect(dir: string, store: SqlDatabase, extra: { full?: boolean } = {}): Promise<CollectResult> {
  const context = await ctx(dir, { clock: fixedClock(NOW) });
  return collectRepository({ context, store, ...extra });
}

async function counts(store: SqlDatabase): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) out[table] = (await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.n ?? -1;
  return out;
}

describe('a repository identity', () => {
  it('is the same for an SSH clone and a CI checkout whose URL carries a token, and never holds the token', () => {
    const ci = remoteIdentity('https://gitlab-ci-token:glcbt-secret@gitlab.example.com/Shop/Web.git');
    expect(ci).toEqual({ url: 'https://gitlab.example.com/Shop/Web', name: 'Shop/Web' });
    expect(remoteIdentity('git@GitLab.example.com:Shop/Web.git')).toEqual(ci);
    expect(remoteIdentity('ssh://git@gitlab.example.com:22/Shop/Web.git/')).toEqual({ url: 'https://gitlab.example.com:22/Shop/Web', name: 'Shop/Web' });
    expect(remoteIdentity('/srv/git/web.git')).toBeUndefined();
    expect(remoteIdentity('file:///srv/git/web.git')).toBeUndefined();
  });
});

describe.each(backends())('collect into $name', (backend) => {
  it("stores the dashboard's figures for the repository, and a second run adds nothing and says so", async () => {
    const store = await openStore({ target: await backend.target('collect'), cwd: '/', now: new Date(NOW) });
    const dir = copy();
    const first = await collect(dir, store);
    expect(first).toMatchObject({ mode: 'first', commits: { added: 6, changed: 0, removed: 0 }, totals: { lines: 13, aiLines: 8, commits: 6 } });
    expect(first.repository).toEqual({ url: 'https://gitlab.example.com/Shop/Web', name: 'Shop/Web', defaultBranch: 'main' });
    const dashboard = await collectDashboard({ context: await ctx(dir), now: new Date(NOW) });
    const [repo] = await store.query('SELECT * FROM repositories');
    expect(repo).toMatchObject({ name: 'Shop/Web', lines: 13, ai_lines: 8, commits: 6, ai_commits: 4, unreviewed_hunks: dashboard.riskyHunks.total });
    expect(Number(repo?.ai_share)).toBeCloseTo(8 / 13, 6);
    const byAgent = await store.query<{ agent: string | null; lines: number }>(
      'SELECT agent, SUM(lines) AS lines FROM lines_by_agent_at_head GROUP BY agent ORDER BY agent',
    );
    expect(Object.fromEntries(byAgent.map((r) => [r.agent ?? 'none', r.lines]))).toEqual({ none: 5, ...dashboardAgents(dashboard.agents) });
    const agents = await store.query<{ agent: string; model: string; commits: number }>(
      "SELECT agent, model, commits FROM commits_by_agent WHERE model <> '*' ORDER BY agent, model",
    );
    expect(agents).toEqual([
      { agent: 'aider', model: 'gpt-4o', commits: 1 },
      { agent: 'claude-code', model: 'unknown', commits: 3 },
    ]);
    expect(await store.query('SELECT decision, COUNT(*) AS n FROM gate_decisions GROUP BY decision ORDER BY decision')).toEqual([
      { decision: 'fail', n: 1 },
      { decision: 'needs-review', n: 1 },
      { decision: 'pass', n: 3 },
    ]);
    // The review notes are unsigned: stored, and marked as the claims they are.
    expect(await store.query('SELECT DISTINCT evidence FROM review_records')).toEqual([{ evidence: 'claim' }]);
    const before = await counts(store);
    const second = await collect(dir, store);
    expect(second).toMatchObject({ mode: 'unchanged', commits: { added: 0, changed: 0, removed: 0 }, totals: { lines: 13, aiLines: 8, commits: 6 } });
    expect(await counts(store)).toEqual(before);
    await store.close();
  });

  it('adds only the new commits, re-reads commits whose notes changed, and removes what a rewrite dropped, never counting twice', async () => {
    const store = await openStore({ target: await backend.target('incremental'), cwd: '/', now: new Date(NOW) });
    const dir = copy();
    await collect(dir, store);
    commit(dir, 'src/new.ts', 'export const a = 1;\nexport const b = 2;\n', 'Add new\n\nCo-Authored-By: Claude <noreply@anthropic.com>');
    commit(dir, 'src/more.ts', 'export const c = 3;\n', 'Add more');
    const grown = await collect(dir, store);
    expect(grown).toMatchObject({ mode: 'updated', commits: { added: 2, changed: 0, removed: 0 }, totals: { lines: 16, aiLines: 10, commits: 8 } });
    expect((await store.query('SELECT COUNT(*) AS n FROM commit_authorship'))[0]).toEqual({ n: 8 });

    // The last commit rewritten (amended): the store drops the old one and adds the new, 8 commits still.
    git(dir, 'commit', '-q', '--amend', '-m', 'Add more, amended\n\nAssisted-by: Cursor');
    const rewritten = await collect(dir, store);
    expect(rewritten).toMatchObject({ mode: 'rewritten', commits: { added: 1, changed: 0, removed: 1 } });
    expect((await store.query('SELECT COUNT(*) AS n FROM commit_authorship'))[0]).toEqual({ n: 8 });
    expect(await store.query("SELECT agent FROM commit_agents WHERE sha = ? AND role = 'author'", [git(dir, 'rev-parse', 'HEAD')])).toEqual([
      { agent: 'cursor' },
    ]);

    // A gate decision recorded on an old commit: the head is the same, the notes are not.
    const repository = await openRepository(dir);
    const checks = (await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM check_records'))[0]?.n ?? 0;
    await recordCheck(repository, { ...sampleCheck(), head: original.shas[1] ?? '' });
    const noted = await collect(dir, store);
    expect(noted).toMatchObject({ mode: 'updated', commits: { added: 0, changed: 0, removed: 0 } });
    expect((await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM check_records'))[0]?.n).toBe(checks + 1);
    const runs = await store.query<{ mode: string }>('SELECT mode FROM collection_runs ORDER BY started_at, mode');
    expect(runs.map((r) => r.mode).sort()).toEqual(['first', 'rewritten', 'updated', 'updated']);
    await store.close();
  });

  it('two collectors of the same repository at once write it once', async () => {
    const target = await backend.target('concurrent');
    const [a, b] = [await openStore({ target, cwd: '/', now: new Date(NOW) }), await openStore({ target, cwd: '/', now: new Date(NOW) })];
    const dir = copy();
    const results = await Promise.all([collect(dir, a), collect(dir, b)]);
    expect(results.map((r) => r.mode).sort()).toEqual(['first', 'unchanged']);
    const together = await counts(a);
    const serial = await openStore({ target: await backend.target('serial'), cwd: '/', now: new Date(NOW) });
    await collect(dir, serial);
    expect(together).toEqual(await counts(serial));
    await Promise.all([a.close(), b.close(), serial.close()]);
  });
});

function dashboardAgents(rows: { agent: string; model: string; lines: number }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) if (r.model !== '*') out[r.agent] = (out[r.agent] ?? 0) + r.lines;
  return out;
}

function sampleCheck() {
  return {
    checkedAt: '2026-04-09T12:00:00.000Z',
    base: original.shas[0] ?? '',
    head: '',
    decision: 'pass' as const,
    couldNotDecide: false,
    aiShare: 0,
    aiLines: 0,
    lines: 1,
    escalations: 0,
    waiting: 0,
    secrets: 0,
    dependencies: 0,
    byRule: {},
    tool: 'aiprov 0.1.0',
  };
}
