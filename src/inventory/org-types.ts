import type { OrgScanner } from './org-scanner.js';
import type { GateStats } from '../dashboard/types.js';
import type { Envelope } from '../kernel/schemas.js';

/** Lines at the collected heads by the month their commit was written: how much of the code as it stands each month's work still is. */
export interface OrgPeriod {
  /** `YYYY-MM-01`. */
  start: string;
  lines: number;
  aiLines: number;
  /** AI lines by agent (lines several agents share under their ids joined by `+`). */
  byAgent: Record<string, number>;
}

export interface OrgAgent {
  agent: string;
  /** The models it was seen with (`unknown` where no evidence names one). */
  models: string[];
  repositories: number;
  commits: number;
  /** AI lines at the collected heads credited to it alone. */
  lines: number;
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface OrgHunk {
  path: string;
  start: number;
  end: number;
  rule: string;
  tier: string;
  agents: string[];
  commit: string;
}

export interface OrgFinding {
  /** The repository's identity and name. */
  repo: string;
  repository: string;
  ecosystem: string;
  name: string;
  spec: string;
  verdict: string;
  signals: string[];
  suggestion: string | null;
  file: string;
  commit: string | null;
  ai: boolean;
  agents: string[];
}

export interface OrgRepository {
  /** The anchor of its section in the page (`repo-1`, …). */
  id: string;
  url: string;
  name: string;
  defaultBranch: string | null;
  head: string | null;
  collectedAt: string | null;
  /** Collected from verified attestations only. */
  verifiedOnly: boolean;
  files: number;
  lines: number;
  aiLines: number;
  aiShare: number;
  suggestionLines: number;
  commits: number;
  aiCommits: number;
  /** Null where it cannot be known: a repository collected from verified attestations only (they do not say). */
  unreviewedHunks: number | null;
  /** Suspect dependencies of the last audit collected; null when no audit was ever collected (not the same as none). */
  findings: number | null;
  depsAuditedAt: string | null;
  gate: { changes: number; passRate: number | null; escalationRate: number | null };
  timeline: OrgPeriod[];
  /** The AI share at each head collected, oldest first: the repository's share over time as its CI saw it. */
  snapshots: { head: string; committedAt: string; lines: number; aiLines: number }[];
  agents: { agent: string; model: string; commits: number; lines: number; firstSeen: string | null; lastSeen: string | null }[];
  /** Unreviewed AI-written hunks under escalated risk rules, the first of them (critical first). */
  hunks: OrgHunk[];
  /** Its own page elsewhere (`--repo-link`), or null. */
  link: string | null;
}

export interface OrgReport extends Envelope<'orgReport'> {
  store: string;
  generatedAt: string;
  /** `notAudited`: repositories with no dependency audit collected; `hunksUnknown`: repositories whose unreviewed hunks cannot be known. */
  totals: {
    repositories: number;
    files: number;
    lines: number;
    aiLines: number;
    aiShare: number;
    commits: number;
    aiCommits: number;
    unreviewedHunks: number;
    hunksUnknown: number;
    findings: number;
    notAudited: number;
  };
  /** Repository URLs, most AI-written share first; and most unreviewed high-risk AI hunks first. */
  rankings: { byAiShare: string[]; byUnreviewedHunks: string[] };
  timeline: OrgPeriod[];
  agents: OrgAgent[];
  gate: GateStats;
  findings: OrgFinding[];
  /** Scanner findings by who wrote their lines, when some repository's were collected (`collect --sarif`). */
  scanner: OrgScanner | null;
  repositories: OrgRepository[];
}
