import type { Envelope } from '../kernel/schemas.js';
import type { Identity } from '../git/types.js';
import type { AgentId } from './agents.js';
import type { Confidence, DetectionRole } from './signature-types.js';

export type EvidenceKind = 'author' | 'committer' | 'co-author' | 'trailer' | 'subject' | 'message' | 'note';

export interface Evidence {
  kind: EvidenceKind;
  /** The exact text the detection rests on. */
  text: string;
  /** Id of the signature that matched, or the notes ref a record came from. */
  source: string;
}

export interface Detection {
  agent: AgentId;
  /** The name written in the evidence, kept for agent `other` and for review bots. */
  name?: string;
  model?: string;
  confidence: Confidence;
  role: DetectionRole;
  evidence: Evidence[];
}

export interface CommitReport {
  sha: string;
  parents: string[];
  author: Identity;
  committer: Identity;
  authoredAt: string;
  subject: string;
  /** True when an agent took part in writing the commit (not counting applied review suggestions). */
  ai: boolean;
  /** True when a non-AI bot made the commit. */
  automation: boolean;
  automationBy?: string[];
  detections: Detection[];
  /** A record on the commit names agents but attests no line of it (git-ai keeps them through merges and rebases): no AI line is counted from it. */
  unattested?: UnattestedRecords;
}

export interface UnattestedRecords {
  /** The notes ref the records are on. */
  source: string;
  /** How many prompt and session records the note keeps. */
  records: number;
  /** The agents they name. */
  agents: string[];
}

export interface AgentSummary {
  commits: number;
  declared: number;
  inferred: number;
  models: Record<string, number>;
}

export interface ScanSummary {
  commits: number;
  aiCommits: number;
  automationCommits: number;
  reviewSuggestionCommits: number;
  /** Commits with no signature of AI or automation: not the same as human-written. */
  noSignatureCommits: number;
  /** Commits whose notes name agents but attest no line of them: not counted as AI for that. */
  unattestedCommits: number;
  byAgent: Record<string, AgentSummary>;
  byAutomation: Record<string, number>;
}

export interface RepositoryInfo {
  root: string;
  head: string | null;
  headRef: string | null;
  shallow: boolean;
  /** Commits at which a shallow clone's history stops; their ancestors were not read. */
  shallowBoundary: string[];
}

export interface ScanWarning {
  code:
    | 'SHALLOW'
    | 'UNBORN_HEAD'
    | 'BAD_NOTE'
    | 'SYMLINK_NOT_FOLLOWED'
    | 'OUTSIDE_REPOSITORY'
    | 'REPOSITORY_CONFIG_NOT_USED'
    | 'FILE_NOT_READ'
    | 'EMPTY_SELECTION'
    | 'REGISTRY_UNREACHABLE'
    | 'ECOSYSTEM_SKIPPED'
    | 'EXCLUDED'
    | 'FORGE_NOT_CONSULTED'
    | 'RECORDS_NOT_RECOVERED'
    | 'INCOMPLETE_INPUT';
  message: string;
  commit?: string;
}

export interface ScanReport extends Envelope<'scanReport'> {
  repository: RepositoryInfo;
  range: { spec: string; all: boolean; leftOut?: { ref: string; tool: string }[] };
  commits: CommitReport[];
  summary: ScanSummary;
  /** With `coverage`: how complete and consistent the authorship records of the range are. */
  coverage?: RecordCoverage;
  warnings: ScanWarning[];
}

/**
 * How complete and consistent the authorship records of a range are (OWASP
 * AISVS C.10: provenance complete and consistent). Line records (aiprov
 * notes, git-ai notes, Agent Trace) are the most precise evidence; a commit
 * known only by its trailers or its author is counted whole; a record can
 * also disagree with the commit it sits on. Each commit is in one class.
 */
export interface RecordCoverage {
  commits: {
    /** Records with line ranges (their own, or recovered from the commits they came from). */
    lineRecords: number;
    /** Of those, recovered (squash and rebase merges). */
    recovered: number;
    /** Records that name no lines: the whole commit is credited. */
    wholeCommitRecords: number;
    /** AI commits known by signatures alone (trailers, bot identities, author suffixes), no record. */
    signaturesOnly: number;
    /** Commits with neither a record nor a signature of an agent. */
    neither: number;
  };
  /** The same for each agent, over the commits it took part in. */
  byAgent: Record<string, { lineRecords: number; wholeCommitRecords: number; signaturesOnly: number }>;
  /** Blame only: the AI lines at the revision credited from line records, and from whole-commit evidence. */
  lines?: { fromRecords: number; wholeCommit: number; byAgent: Record<string, { fromRecords: number; wholeCommit: number }> };
  /** Records that disagree with their commit, the first DISAGREEMENT_CAP of them. */
  disagreements: Disagreement[];
  /** How many there were in all, when more than the list holds. */
  disagreementCount: number;
  /** How many of each kind, in all. */
  disagreementsByKind: Partial<Record<Disagreement['kind'], number>>;
}

export interface Disagreement {
  commit: string;
  kind: 'range-past-end' | 'file-not-written' | 'agent-not-in-trailers';
  path?: string;
  agent?: string;
  message: string;
}
