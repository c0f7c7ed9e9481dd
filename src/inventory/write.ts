import { createHash } from 'node:crypto';
import type { SqlSession, SqlValue } from '../store/database.js';
import { deleteKeys, insertRows } from '../store/rows.js';
import type { AgentLines } from './rows.js';
import type { CommitRow, RepositorySnapshot } from './snapshot.js';
import type { FindingsReport } from '../findings/types.js';

/** What a collection changed in the store's commits. */
export interface CommitChanges {
  added: number;
  changed: number;
  removed: number;
}

export interface WriteMeta {
  digest: string;
  collectedAt: string;
  verifiedOnly: boolean;
}

/**
 * Writes a repository's snapshot in the transaction given (which holds the
 * repository's lock). Commits are compared with those stored by a
 * fingerprint of what the store keeps of them: new ones are added, changed
 * ones (a note written since) replaced, and those no longer in the history
 * (rewritten) removed, so nothing is counted twice. What describes the head
 * (lines by commit and by file, unreviewed hunks) is replaced whole; the
 * gate's decisions and reviews are appended, as their notes are.
 */
export async function writeSnapshot(tx: SqlSession, snapshot: RepositorySnapshot, meta: WriteMeta): Promise<CommitChanges> {
  // Each commit once, here, for every table and count below.
  const s = { ...snapshot, commits: [...new Map(snapshot.commits.map((c) => [c.sha, c])).values()] };
  const repo = s.identity.url;
  await upsertState(tx, s, meta);
  const changes = await writeCommits(tx, repo, s.commits);
  await replaceLines(tx, 'commit_lines', 'sha', repo, s.commitLines);
  await writeAggregates(tx, repo, s);
  await replaceLines(tx, 'file_lines', 'path', repo, s.fileLines);
  await tx.run(
    `INSERT INTO head_snapshots (repo, head, committed_at, collected_at, lines, ai_lines, files) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (repo, head) DO UPDATE SET collected_at = excluded.collected_at, lines = excluded.lines, ai_lines = excluded.ai_lines, files = excluded.files`,
    [repo, s.head, s.headCommittedAt, meta.collectedAt, s.totals.lines, s.totals.aiLines, s.totals.files],
  );
  await tx.run('DELETE FROM head_agent_lines WHERE repo = ? AND head = ?', [repo, s.head]);
  await insertRows(
    tx,
    'head_agent_lines',
    ['repo', 'head', 'agent', 'model', 'lines'],
    s.headLines.map((l) => [repo, s.head, l.agent, l.model, l.lines]),
  );
  await insertRows(
    tx,
    'check_records',
    [
      'repo',
      'head',
      'base',
      'checked_at',
      'decision',
      'could_not_decide',
      'ai_lines',
      'lines',
      'escalations',
      'waiting',
      'secrets',
      'dependencies',
      'by_rule',
      'waiting_by_rule',
      'tool',
    ],
    s.checks.map((c) => [
      repo,
      c.head,
      c.base,
      c.checkedAt,
      c.decision,
      flag(c.couldNotDecide),
      c.aiLines,
      c.lines,
      c.escalations,
      c.waiting,
      c.secrets,
      c.dependencies,
      JSON.stringify(c.byRule),
      c.waitingByRule ? JSON.stringify(c.waitingByRule) : null,
      c.tool,
    ]),
    'ON CONFLICT (repo, head, base, checked_at) DO NOTHING',
  );
  await insertRows(
    tx,
    'review_records',
    ['repo', 'sha', 'reviewer', 'reviewed_at', 'decision', 'scope', 'evidence'],
    s.reviews.map((r) => [repo, r.sha, r.reviewer, r.reviewedAt, r.decision, r.scope, r.evidence]),
    // What the latest collection says a review rests on: a claim until a verified-only collection finds it signed.
    'ON CONFLICT (repo, sha, reviewer, reviewed_at) DO UPDATE SET evidence = excluded.evidence',
  );
  if (s.findings !== null) await writeFindings(tx, repo, s.findings);
  if (s.scanner) await writeScanner(tx, repo, s.scanner, meta.collectedAt);
  await tx.run('DELETE FROM risky_hunks WHERE repo = ?', [repo]);
  await insertRows(
    tx,
    'risky_hunks',
    ['repo', 'path', 'start_line', 'end_line', 'rule', 'tier', 'agents', 'commit_sha', 'authored_at'],
    s.hunks.shown.map((h) => [repo, h.path, h.start, h.end, h.rule, h.tier, h.agents.join(','), h.commit, h.authoredAt]),
    'ON CONFLICT (repo, path, start_line, rule) DO NOTHING',
  );
  return changes;
}

/** The commits of the history (each once: writeSnapshot made them so) and those an agent took part in: the figures the repositories view shows without counting rows. */
function commitCounts(commits: readonly CommitRow[]): [number, number] {
  return [commits.length, commits.filter((c) => c.ai).length];
}

function flag(value: boolean): number {
  return value ? 1 : 0;
}

async function upsertState(tx: SqlSession, s: RepositorySnapshot, meta: WriteMeta): Promise<void> {
  await tx.run(
    `INSERT INTO repository_state (repo, name, default_branch, head, head_committed_at, notes_digest, collected_at, checked_at, verified_only,
       lines, ai_lines, suggestion_lines, files, unreviewed_hunks, deps_audited_at, commits, ai_commits)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (repo) DO UPDATE SET name = excluded.name, default_branch = excluded.default_branch, head = excluded.head,
       head_committed_at = excluded.head_committed_at, notes_digest = excluded.notes_digest, collected_at = excluded.collected_at,
       checked_at = excluded.checked_at, verified_only = excluded.verified_only, lines = excluded.lines, ai_lines = excluded.ai_lines,
       suggestion_lines = excluded.suggestion_lines, files = excluded.files, unreviewed_hunks = excluded.unreviewed_hunks,
       commits = excluded.commits, ai_commits = excluded.ai_commits,
       deps_audited_at = CASE WHEN ? = 1 THEN excluded.deps_audited_at ELSE repository_state.deps_audited_at END`,
    [
      s.identity.url,
      s.identity.name,
      s.identity.defaultBranch,
      s.head,
      s.headCommittedAt,
      meta.digest,
      meta.collectedAt,
      meta.collectedAt,
      flag(meta.verifiedOnly),
      s.totals.lines,
      s.totals.aiLines,
      s.totals.suggestionLines,
      s.totals.files,
      s.hunks.total,
      s.depsAuditedAt ?? null,
      ...commitCounts(s.commits),
      flag(s.depsAuditedAt !== undefined),
    ],
  );
}

/** What the store keeps of a commit, as one digest: a commit whose digest is unchanged is not written again. */
export function commitFingerprint(c: CommitRow): string {
  const agents = c.agents.map((a) => `${a.agent}/${a.model}/${a.role}/${a.confidence}`).sort();
  return createHash('sha256')
    .update(JSON.stringify([c.authoredAt, c.ai, c.automation, c.evidence, c.subject, agents]))
    .digest('hex')
    .slice(0, 32);
}

async function writeCommits(tx: SqlSession, repo: string, commits: readonly CommitRow[]): Promise<CommitChanges> {
  const stored = new Map(
    (await tx.query<{ sha: string; fingerprint: string }>('SELECT sha, fingerprint FROM commit_authorship WHERE repo = ?', [repo])).map((r) => [
      r.sha,
      r.fingerprint,
    ]),
  );
  const seen = new Set(commits.map((c) => c.sha));
  const toWrite: { row: CommitRow; fingerprint: string }[] = [];
  let changed = 0;
  for (const row of commits) {
    const fingerprint = commitFingerprint(row);
    const before = stored.get(row.sha);
    if (before === fingerprint) continue;
    if (before !== undefined) changed++;
    toWrite.push({ row, fingerprint });
  }
  const removed = [...stored.keys()].filter((sha) => !seen.has(sha));
  const replaced = [...removed, ...toWrite.filter((w) => stored.has(w.row.sha)).map((w) => w.row.sha)];
  await deleteKeys(tx, 'commit_agents', { column: 'repo', value: repo }, 'sha', replaced);
  await deleteKeys(tx, 'commit_authorship', { column: 'repo', value: repo }, 'sha', replaced);
  await insertRows(
    tx,
    'commit_authorship',
    ['repo', 'sha', 'authored_at', 'ai', 'automation', 'evidence', 'subject', 'fingerprint'],
    toWrite.map(({ row, fingerprint }) => [repo, row.sha, row.authoredAt, flag(row.ai), flag(row.automation), row.evidence, row.subject, fingerprint]),
  );
  await insertRows(
    tx,
    'commit_agents',
    ['repo', 'sha', 'agent', 'model', 'role', 'confidence'],
    toWrite.flatMap(({ row }) => row.agents.map((a): SqlValue[] => [repo, row.sha, a.agent, a.model, a.role, a.confidence])),
  );
  return { added: toWrite.length - changed, changed, removed: removed.length };
}

/**
 * What the organisation's page and the views read of a repository, summed once here (its size follows agents and
 * months, not commits): commits by agent and model with first and last seen, and the lines at the head by the month
 * (UTC) their commit was written, by agent.
 */
async function writeAggregates(tx: SqlSession, repo: string, s: RepositorySnapshot): Promise<void> {
  const authored = new Map(s.commits.map((c) => [c.sha, Date.parse(c.authoredAt)]));
  const agents = new Map<string, { agent: string; model: string; commits: number; first: number; last: number }>();
  for (const c of s.commits) {
    const time = authored.get(c.sha) ?? 0;
    for (const a of c.agents.filter((x) => x.role === 'author')) {
      const key = `${a.agent}\u0000${a.model}`;
      const row = agents.get(key) ?? { agent: a.agent, model: a.model, commits: 0, first: time, last: time };
      agents.set(key, row);
      row.commits++;
      row.first = Math.min(row.first, time);
      row.last = Math.max(row.last, time);
    }
  }
  const months = new Map<string, { month: string; agent: string; lines: number }>();
  for (const [sha, rows] of s.commitLines) {
    const time = authored.get(sha);
    if (time === undefined) continue;
    const month = `${new Date(time).toISOString().slice(0, 7)}-01`;
    for (const r of rows) {
      const key = `${month}\u0000${r.agent}`;
      const row = months.get(key) ?? { month, agent: r.agent, lines: 0 };
      months.set(key, row);
      row.lines += r.lines;
    }
  }
  await tx.run('DELETE FROM agent_commits WHERE repo = ?', [repo]);
  await tx.run('DELETE FROM month_lines WHERE repo = ?', [repo]);
  const iso = (t: number): string => new Date(t).toISOString();
  await insertRows(
    tx,
    'agent_commits',
    ['repo', 'agent', 'model', 'commits', 'first_seen', 'last_seen'],
    [...agents.values()].map((a) => [repo, a.agent, a.model, a.commits, iso(a.first), iso(a.last)]),
  );
  await insertRows(
    tx,
    'month_lines',
    ['repo', 'month', 'agent', 'lines'],
    [...months.values()].map((m) => [repo, m.month, m.agent, m.lines]),
  );
}

async function replaceLines(tx: SqlSession, table: 'commit_lines' | 'file_lines', key: 'sha' | 'path', repo: string, lines: ReadonlyMap<string, AgentLines[]>) {
  await tx.run(`DELETE FROM ${table} WHERE repo = ?`, [repo]);
  const rows: SqlValue[][] = [];
  for (const [k, list] of lines) for (const l of list) rows.push([repo, k, l.agent, l.model, l.lines]);
  await insertRows(tx, table, ['repo', key, 'agent', 'model', 'lines'], rows);
}

/** A scanner's findings at the head replace the repository's stored ones whole: its state, the densities' counts, each finding. */
async function writeScanner(tx: SqlSession, repo: string, report: FindingsReport, collectedAt: string): Promise<void> {
  for (const table of ['scanner_state', 'scanner_counts', 'scanner_findings']) await tx.run(`DELETE FROM ${table} WHERE repo = ?`, [repo]);
  const tools = [...new Set(report.runs.map((r) => r.tool))].join(',');
  await tx.run('INSERT INTO scanner_state (repo, rev, tools, results, attributed, collected_at) VALUES (?, ?, ?, ?, ?, ?)', [
    repo,
    report.rev,
    tools,
    report.totals.results,
    report.totals.attributed,
    collectedAt,
  ]);
  const counts: SqlValue[][] = [
    [repo, 'class', 'ai', report.density.ai.count, report.density.ai.lines],
    [repo, 'class', 'no-agent', report.density.noAgent.count, report.density.noAgent.lines],
    ...report.byAgent.map((r) => [repo, 'agent', r.key, r.count, r.lines]),
    ...report.byModel.map((r) => [repo, 'model', r.key, r.count, r.lines]),
  ];
  await insertRows(tx, 'scanner_counts', ['repo', 'kind', 'key', 'findings', 'lines'], counts);
  await insertRows(
    tx,
    'scanner_findings',
    ['repo', 'seq', 'tool', 'rule_id', 'path', 'start_line', 'end_line', 'level', 'security_severity', 'class', 'counted_as', 'agent', 'model'],
    report.findings.map((f, i) => [
      repo,
      i,
      f.tool,
      f.ruleId,
      f.path,
      f.startLine,
      f.endLine,
      f.level,
      f.securitySeverity,
      f.class,
      f.countedAs,
      f.agent,
      f.model,
    ]),
  );
}

async function writeFindings(tx: SqlSession, repo: string, findings: NonNullable<RepositorySnapshot['findings']>): Promise<void> {
  await tx.run('DELETE FROM dependency_findings WHERE repo = ?', [repo]);
  await insertRows(
    tx,
    'dependency_findings',
    ['repo', 'ecosystem', 'name', 'file', 'spec', 'verdict', 'signals', 'suggestion', 'commit_sha', 'ai', 'agents', 'subject'],
    findings.map((f) => [
      repo,
      f.ecosystem,
      f.name,
      f.file,
      f.spec,
      f.verdict,
      f.signals.join(','),
      f.suggestion ?? null,
      f.introducedBy?.commit ?? null,
      flag(f.introducedBy?.ai === true),
      f.introducedBy?.agents.join(',') ?? '',
      f.introducedBy?.subject ?? null,
    ]),
    'ON CONFLICT (repo, ecosystem, name, file) DO NOTHING',
  );
}
