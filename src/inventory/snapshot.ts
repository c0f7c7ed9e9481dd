import type { CommitClass } from '../authorship/coverage.js';
import type { CommitReport, ScanWarning } from '../authorship/types.js';
import { countParts, emptyCounts } from '../blame/attribute.js';
import type { LineCounts } from '../blame/types.js';
import { collectDashboard, type DashboardOptions } from '../dashboard/collect.js';
import type { DependencyRow, UnreviewedHunk } from '../dashboard/types.js';
import { readCheckRecords, type CheckRecord } from '../gate/history.js';
import { readReviews, REVIEWS_REF } from '../gate/review.js';
import type { RepositoryIdentity } from './identity.js';
import type { FindingsReport } from '../findings/types.js';
import { agentLines, sumAgentLines, type AgentLines } from './rows.js';

/** One commit as the store keeps it: who wrote it, by which evidence; never its lines. */
export interface CommitRow {
  sha: string;
  authoredAt: string;
  ai: boolean;
  automation: boolean;
  /** The class of its records (coverage.ts), or `attested`: known only from a verified authorship attestation. */
  evidence: CommitClass | 'attested';
  subject: string;
  agents: { agent: string; model: string; role: string; confidence: string }[];
}

export interface ReviewRow {
  sha: string;
  reviewer: string;
  reviewedAt: string;
  decision: string;
  scope: string;
  /** `claim`: a line in refs/notes/aiprov-reviews, which anyone who can push notes can write; `verified`: a review/v1 attestation signed by a trusted review signer. */
  evidence: 'claim' | 'verified';
}

/** A repository's state at one head, as `collect` writes it: aggregates and commit facts, no source text. */
export interface RepositorySnapshot {
  identity: RepositoryIdentity;
  head: string;
  headCommittedAt: string;
  totals: { lines: number; aiLines: number; suggestionLines: number; files: number };
  commits: CommitRow[];
  /** Lines at the head each commit wrote, by agent and model. */
  commitLines: Map<string, AgentLines[]>;
  fileLines: Map<string, AgentLines[]>;
  headLines: AgentLines[];
  checks: CheckRecord[];
  reviews: ReviewRow[];
  /** The findings of the audit given, or null when none was (the stored ones are kept). */
  findings: DependencyRow[] | null;
  /** When that audit was made; null: no audit is known (a verified-only collection found none); undefined: the stored one stands. */
  depsAuditedAt?: string | null;
  /** A scanner's findings attributed at the head (`collect --sarif`); undefined when none was given (the stored ones stand). */
  scanner?: FindingsReport;
  /** Unreviewed AI-written hunks under escalated rules; total null when they cannot be known (verified attestations do not say). */
  hunks: { total: number | null; shown: UnreviewedHunk[] };
  warnings: ScanWarning[];
}

export type SnapshotOptions = Omit<DashboardOptions, 'observe' | 'since' | 'treeBudget'> & { identity: RepositoryIdentity };

/**
 * Reads one repository at one revision: the dashboard's one blame and one
 * scan (so the store and `report --html` agree on every figure), watched
 * for what the store keeps beyond the page: each commit, and the lines at
 * the head by commit and by file.
 */
export async function readSnapshot(options: SnapshotOptions): Promise<RepositorySnapshot> {
  const commits: CommitRow[] = [];
  const byCommit = new Map<string, LineCounts>();
  const byFile = new Map<string, LineCounts>();
  const add = (map: Map<string, LineCounts>, key: string): LineCounts => {
    const counts = map.get(key) ?? emptyCounts(true);
    map.set(key, counts);
    return counts;
  };
  const data = await collectDashboard({
    ...options,
    treeBudget: 1,
    observe: {
      commit: (report, cls) => commits.push(commitRow(report, cls)),
      group: (file, group, parts) => {
        countParts(group, parts, add(byCommit, group.sha));
        countParts(group, parts, add(byFile, file));
      },
    },
  });
  const { git } = options.context;
  const headTime = (await git.commitTimes([data.rev])).get(data.rev) ?? 0;
  const checks = await readCheckRecords(git);
  const reviewed = [...(await (await git.notesAt(REVIEWS_REF)).noted())];
  const reviews = (await readReviews(git, reviewed, data.warnings)).map(({ commit, review }) => ({
    sha: commit,
    reviewer: review.reviewer.email ?? review.reviewer.name,
    reviewedAt: review.reviewedAt,
    decision: review.decision,
    scope: JSON.stringify(review.scope),
    evidence: 'claim' as const,
  }));
  const rowsOf = (map: Map<string, LineCounts>) => new Map([...map].map(([key, counts]) => [key, agentLines(counts)]));
  const fileLines = rowsOf(byFile);
  return {
    identity: options.identity,
    head: data.rev,
    headCommittedAt: new Date(headTime * 1000).toISOString(),
    totals: { lines: data.totals.lines, aiLines: data.totals.aiLines, suggestionLines: data.totals.suggestionLines, files: data.totals.files },
    commits,
    commitLines: rowsOf(byCommit),
    fileLines,
    headLines: sumAgentLines([...fileLines.values()].flat()),
    checks: checks.records,
    reviews,
    findings: data.dependencies?.rows ?? null,
    ...(options.deps ? { depsAuditedAt: options.deps.report.checkedAt } : {}),
    ...(options.findings ? { scanner: options.findings } : {}),
    hunks: data.riskyHunks,
    warnings: data.warnings,
  };
}

export function commitRow(report: CommitReport, evidence: CommitClass): CommitRow {
  const agents = new Map<string, CommitRow['agents'][number]>();
  for (const d of report.detections) {
    const row = { agent: d.agent, model: d.model ?? 'unknown', role: d.role, confidence: d.confidence };
    const key = `${row.agent}\u0000${row.model}\u0000${row.role}`;
    // One row per agent, model and role: the strongest evidence's confidence.
    if (!agents.has(key) || rank(row.confidence) > rank(agents.get(key)?.confidence ?? '')) agents.set(key, row);
  }
  return {
    sha: report.sha,
    authoredAt: report.authoredAt,
    ai: report.ai,
    automation: report.automation,
    evidence,
    subject: report.subject,
    agents: [...agents.values()],
  };
}

const CONFIDENCE_ORDER = ['inferred', 'declared'];
function rank(confidence: string): number {
  return CONFIDENCE_ORDER.indexOf(confidence);
}
