import type { Dialect } from './database.js';

/**
 * The store's schema, as numbered migrations applied in order when a store
 * is opened (migrate.ts). A migration only adds (tables, columns, views
 * rebuilt): a store written by an older aiprov is read by a newer one, and
 * no data is ever dropped. One SQL dialect serves both backends, SQLite and
 * PostgreSQL: text, integers, `ON CONFLICT` upserts; times are ISO 8601 text
 * in the tables, and the views give PostgreSQL readers real timestamps.
 *
 * Agents and models are `''` on rows for lines no agent is credited with
 * (the views show NULL); lines several agents share are under their ids
 * joined by `+`, as everywhere else in aiprov.
 */
export interface Migration {
  version: number;
  name: string;
  statements: (dialect: Dialect) => string[];
}

const TABLES_V1 = [
  `CREATE TABLE repository_state (
    repo TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    default_branch TEXT,
    head TEXT,
    head_committed_at TEXT,
    notes_digest TEXT,
    collected_at TEXT,
    checked_at TEXT,
    verified_only INTEGER NOT NULL DEFAULT 0,
    lines INTEGER NOT NULL DEFAULT 0,
    ai_lines INTEGER NOT NULL DEFAULT 0,
    suggestion_lines INTEGER NOT NULL DEFAULT 0,
    files INTEGER NOT NULL DEFAULT 0,
    unreviewed_hunks INTEGER,
    deps_audited_at TEXT,
    commits INTEGER NOT NULL DEFAULT 0,
    ai_commits INTEGER NOT NULL DEFAULT 0
  )`,
  `CREATE TABLE collection_runs (
    id TEXT PRIMARY KEY,
    repo TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    head TEXT,
    previous_head TEXT,
    mode TEXT NOT NULL,
    commits_added INTEGER NOT NULL,
    commits_changed INTEGER NOT NULL,
    commits_removed INTEGER NOT NULL,
    tool_version TEXT NOT NULL,
    verified_only INTEGER NOT NULL
  )`,
  `CREATE INDEX collection_runs_repo ON collection_runs (repo, started_at)`,
  `CREATE TABLE commit_authorship (
    repo TEXT NOT NULL,
    sha TEXT NOT NULL,
    authored_at TEXT NOT NULL,
    ai INTEGER NOT NULL,
    automation INTEGER NOT NULL,
    evidence TEXT NOT NULL,
    subject TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    PRIMARY KEY (repo, sha)
  )`,
  `CREATE TABLE commit_agents (
    repo TEXT NOT NULL,
    sha TEXT NOT NULL,
    agent TEXT NOT NULL,
    model TEXT NOT NULL,
    role TEXT NOT NULL,
    confidence TEXT NOT NULL,
    PRIMARY KEY (repo, sha, agent, model, role)
  )`,
  `CREATE TABLE commit_lines (
    repo TEXT NOT NULL,
    sha TEXT NOT NULL,
    agent TEXT NOT NULL,
    model TEXT NOT NULL,
    lines INTEGER NOT NULL,
    PRIMARY KEY (repo, sha, agent, model)
  )`,
  `CREATE TABLE agent_commits (
    repo TEXT NOT NULL,
    agent TEXT NOT NULL,
    model TEXT NOT NULL,
    commits INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (repo, agent, model)
  )`,
  `CREATE TABLE month_lines (
    repo TEXT NOT NULL,
    month TEXT NOT NULL,
    agent TEXT NOT NULL,
    lines INTEGER NOT NULL,
    PRIMARY KEY (repo, month, agent)
  )`,
  `CREATE TABLE file_lines (
    repo TEXT NOT NULL,
    path TEXT NOT NULL,
    agent TEXT NOT NULL,
    model TEXT NOT NULL,
    lines INTEGER NOT NULL,
    PRIMARY KEY (repo, path, agent, model)
  )`,
  `CREATE TABLE head_snapshots (
    repo TEXT NOT NULL,
    head TEXT NOT NULL,
    committed_at TEXT NOT NULL,
    collected_at TEXT NOT NULL,
    lines INTEGER NOT NULL,
    ai_lines INTEGER NOT NULL,
    files INTEGER NOT NULL,
    PRIMARY KEY (repo, head)
  )`,
  `CREATE TABLE head_agent_lines (
    repo TEXT NOT NULL,
    head TEXT NOT NULL,
    agent TEXT NOT NULL,
    model TEXT NOT NULL,
    lines INTEGER NOT NULL,
    PRIMARY KEY (repo, head, agent, model)
  )`,
  `CREATE TABLE check_records (
    repo TEXT NOT NULL,
    head TEXT NOT NULL,
    base TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    decision TEXT NOT NULL,
    could_not_decide INTEGER NOT NULL,
    ai_lines INTEGER NOT NULL,
    lines INTEGER NOT NULL,
    escalations INTEGER NOT NULL,
    waiting INTEGER NOT NULL,
    secrets INTEGER NOT NULL,
    dependencies INTEGER NOT NULL,
    by_rule TEXT NOT NULL,
    waiting_by_rule TEXT,
    tool TEXT NOT NULL,
    PRIMARY KEY (repo, head, base, checked_at)
  )`,
  `CREATE TABLE review_records (
    repo TEXT NOT NULL,
    sha TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    reviewed_at TEXT NOT NULL,
    decision TEXT NOT NULL,
    scope TEXT NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (repo, sha, reviewer, reviewed_at)
  )`,
  `CREATE TABLE dependency_findings (
    repo TEXT NOT NULL,
    ecosystem TEXT NOT NULL,
    name TEXT NOT NULL,
    file TEXT NOT NULL,
    spec TEXT NOT NULL,
    verdict TEXT NOT NULL,
    signals TEXT NOT NULL,
    suggestion TEXT,
    commit_sha TEXT,
    ai INTEGER NOT NULL,
    agents TEXT NOT NULL,
    subject TEXT,
    PRIMARY KEY (repo, ecosystem, name, file)
  )`,
  `CREATE TABLE risky_hunks (
    repo TEXT NOT NULL,
    path TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    rule TEXT NOT NULL,
    tier TEXT NOT NULL,
    agents TEXT NOT NULL,
    commit_sha TEXT NOT NULL,
    authored_at TEXT,
    PRIMARY KEY (repo, path, start_line, rule)
  )`,
];

/** A text column holding ISO 8601 as the dialect's timestamp (PostgreSQL), or as it is (SQLite, whose date functions read text). */
function time(dialect: Dialect, column: string): string {
  return dialect === 'postgres' ? `CAST(${column} AS timestamptz)` : column;
}

/** The first day of the month of an ISO 8601 time, as `YYYY-MM-01` text on both backends. */
function month(column: string): string {
  return `SUBSTR(${column}, 1, 7) || '-01'`;
}

/** The documented views (README, "SQL for BI tools"): what Grafana, Metabase or a notebook read. */
function viewsV1(d: Dialect): string[] {
  return [
    `CREATE VIEW repositories AS
      SELECT r.repo, r.name, r.default_branch, r.head, ${time(d, 'r.head_committed_at')} AS head_committed_at,
        ${time(d, 'r.collected_at')} AS collected_at, r.verified_only, r.files, r.lines, r.ai_lines,
        CASE WHEN r.lines = 0 THEN 0 ELSE r.ai_lines * 1.0 / r.lines END AS ai_share,
        r.suggestion_lines, r.unreviewed_hunks, ${time(d, 'r.deps_audited_at')} AS deps_audited_at, r.commits, r.ai_commits
      FROM repository_state r`,
    `CREATE VIEW commits_by_agent AS
      SELECT repo, agent, model, commits, ${time(d, 'first_seen')} AS first_seen, ${time(d, 'last_seen')} AS last_seen
      FROM agent_commits`,
    `CREATE VIEW lines_by_agent_at_head AS
      SELECT r.repo, r.head, NULLIF(f.agent, '') AS agent, NULLIF(f.model, '') AS model, SUM(f.lines) AS lines
      FROM file_lines f JOIN repository_state r ON r.repo = f.repo
      GROUP BY r.repo, r.head, f.agent, f.model`,
    `CREATE VIEW ai_share_by_month AS
      SELECT repo, month, SUM(lines) AS lines, SUM(CASE WHEN agent = '' THEN 0 ELSE lines END) AS ai_lines
      FROM month_lines
      GROUP BY repo, month`,
    `CREATE VIEW record_coverage_by_month AS
      SELECT repo, ${month('authored_at')} AS month, COUNT(*) AS ai_commits,
        SUM(CASE WHEN evidence = 'lineRecords' THEN 1 ELSE 0 END) AS line_records,
        SUM(CASE WHEN evidence = 'wholeCommitRecords' THEN 1 ELSE 0 END) AS whole_commit_records,
        SUM(CASE WHEN evidence = 'signaturesOnly' THEN 1 ELSE 0 END) AS signatures_only,
        SUM(CASE WHEN evidence = 'attested' THEN 1 ELSE 0 END) AS attested
      FROM commit_authorship WHERE ai = 1
      GROUP BY repo, ${month('authored_at')}`,
    `CREATE VIEW gate_decisions AS
      SELECT repo, head, base, ${time(d, 'checked_at')} AS checked_at, decision, could_not_decide,
        escalations, waiting, secrets, dependencies, ai_lines, lines, tool
      FROM check_records`,
    `CREATE VIEW findings AS
      SELECT repo, ecosystem, name, spec, file, verdict, signals, suggestion, commit_sha, ai, NULLIF(agents, '') AS agents, subject
      FROM dependency_findings`,
  ];
}

/** Version 2: a code scanner's findings at the collected head (`collect --sarif`), by who wrote their lines. */
const TABLES_V2 = [
  `CREATE TABLE scanner_state (
    repo TEXT PRIMARY KEY,
    rev TEXT NOT NULL,
    tools TEXT NOT NULL,
    results INTEGER NOT NULL,
    attributed INTEGER NOT NULL,
    collected_at TEXT NOT NULL
  )`,
  // The densities' numerators and denominators: kind 'class' (key 'ai' or 'no-agent'), 'agent' or 'model'.
  `CREATE TABLE scanner_counts (
    repo TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    findings INTEGER NOT NULL,
    lines INTEGER NOT NULL,
    PRIMARY KEY (repo, kind, key)
  )`,
  `CREATE TABLE scanner_findings (
    repo TEXT NOT NULL,
    seq INTEGER NOT NULL,
    tool TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    path TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    level TEXT NOT NULL,
    security_severity TEXT,
    class TEXT NOT NULL,
    counted_as TEXT NOT NULL,
    agent TEXT,
    model TEXT,
    PRIMARY KEY (repo, seq)
  )`,
  `CREATE VIEW scanner_density AS
    SELECT repo, kind, key, findings, lines, CASE WHEN lines = 0 THEN NULL ELSE findings * 1000.0 / lines END AS per_1000
    FROM scanner_counts`,
];

/** The tables a collection writes (the views read them), in the order they are created. */
export const INVENTORY_TABLES = [
  'repository_state',
  'collection_runs',
  'commit_authorship',
  'commit_agents',
  'commit_lines',
  'agent_commits',
  'month_lines',
  'file_lines',
  'head_snapshots',
  'head_agent_lines',
  'check_records',
  'review_records',
  'dependency_findings',
  'risky_hunks',
  'scanner_state',
  'scanner_counts',
  'scanner_findings',
] as const;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'inventory', statements: (dialect) => [...TABLES_V1, ...viewsV1(dialect)] },
  { version: 2, name: 'scanner findings', statements: () => TABLES_V2 },
];

/** The schema version this aiprov writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;
