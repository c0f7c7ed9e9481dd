import type { DashboardFindings } from './findings.js';
import type { ScanWarning } from '../authorship/types.js';

import type { Envelope } from '../kernel/schemas.js';
import { type Severity } from '../policy/severity.js';

/** Weeks start on Monday (ISO 8601), months on the 1st; both in UTC, named by their first day. */
export type Granularity = 'week' | 'month';

/** Lines written in one period that the tree at the revision still holds, by who wrote them. */
export interface Period {
  /** First day of the period, `YYYY-MM-DD`. */
  start: string;
  lines: number;
  aiLines: number;
  /** AI lines by agent; lines several agents claim are under all of them joined by `+` (`claude-code+cursor`), so the values add up to aiLines. */
  byAgent: Record<string, number>;
}

/** The AI commits written in one period, by the evidence of their authorship: how complete the records are over time. */
export interface CoveragePeriod {
  start: string;
  aiCommits: number;
  lineRecords: number;
  wholeCommitRecords: number;
  signaturesOnly: number;
}

/** A directory or file of the tree, with its lines and AI lines; small files past the page's budget are folded into one `(N more files)` leaf per directory. */
export interface TreeNode {
  name: string;
  path: string;
  lines: number;
  aiLines: number;
  /** Files under it (1 for a file; the number folded for a folded leaf). */
  files: number;
  /** The highest tier of the risk rules whose paths cover it (a file), or any file under it (a directory). */
  risk?: Severity;
  /** The rules whose paths cover a file. */
  rules?: string[];
  folded?: boolean;
  children?: TreeNode[];
}

/** AI-written lines under a risk rule that no recorded human review covers. */
export interface UnreviewedHunk {
  path: string;
  /** Lines at the revision, inclusive. */
  start: number;
  end: number;
  rule: string;
  tier: Severity;
  agents: string[];
  /** The commit that wrote them. */
  commit: string;
  authoredAt: string;
}

export interface AgentRow {
  agent: string;
  /** `*` for the agent's own row, else one model it was seen with (`unknown` where no evidence names one). */
  model: string;
  commits: number;
  /** AI lines at the revision credited to it alone (lines shared with another agent are in the totals under the agents joined by `+`). */
  lines: number;
  /** Of all lines at the revision. */
  share: number;
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface GateWeek {
  start: string;
  pass: number;
  needsReview: number;
  fail: number;
}

export interface OpenFinding {
  rule: string;
  severity: Severity;
  /** Open occurrences: escalated hunks waiting for review, secrets, failing dependencies, over the changes whose latest decision is not pass. */
  count: number;
}

export interface GateStats {
  /** Decisions recorded in refs/notes/aiprov-checks (every run). */
  runs: number;
  /** Changes (a head commit with its base), each counted once, by its latest decision. */
  changes: number;
  passed: number;
  needsReview: number;
  failed: number;
  /** Changes any of whose checks escalated a hunk for review. */
  escalated: number;
  /** passed / changes; null with no change recorded. */
  passRate: number | null;
  escalationRate: number | null;
  targets: { passRateAbove: number; escalationRate: [number, number] };
  /** Median hours from a change's first non-passing decision to its first pass, over changes that got there. */
  medianHoursToPass: number | null;
  weeks: GateWeek[];
  openFindings: OpenFinding[];
}

export interface DependencyRow {
  ecosystem: string;
  name: string;
  spec: string;
  verdict: string;
  /** The signals found (`not-found`, `typosquat`, …). */
  signals: string[];
  /** The package it probably meant, for a typosquat. */
  suggestion?: string;
  file: string;
  introducedBy?: { commit: string; ai: boolean; agents: string[]; subject: string };
}

export interface BomSummary {
  file: string;
  specVersion: string;
  serialNumber: string | null;
  components: number;
  models: number;
  vulnerabilities: number;
}

export interface DashboardData extends Envelope<'dashboard'> {
  repository: { name: string; head: string | null };
  rev: string;
  revSpec: string;
  /** Commits and lines written before this date are left out of the timeline, agents and gate. */
  since: string | null;
  generatedAt: string;
  /** `suggestionLines`: lines at the revision from applied AI review suggestions, not in aiLines or aiShare. */
  totals: { lines: number; aiLines: number; aiShare: number; files: number; commits: number; aiCommits: number; suggestionLines: number };
  timeline: { week: Period[]; month: Period[] };
  /** The AI commits of each month since `since` by the evidence of their authorship (line records, records naming no lines, signatures alone). */
  coverage: CoveragePeriod[];
  tree: TreeNode;
  riskyHunks: { total: number; shown: UnreviewedHunk[] };
  agents: AgentRow[];
  gate: GateStats;
  /** `suspect`: hallucinated, malicious, suspicious and typosquatted names; `unchecked`: names no registry answered for (apart). */
  dependencies: { file: string; total: number; suspect: number; unchecked: number; rows: DependencyRow[] } | null;
  bom: BomSummary | null;
  /** With a scanner's SARIF (`report --sarif`): its findings by who wrote their lines, with densities and intervals. */
  findings?: DashboardFindings;
  warnings: ScanWarning[];
}
