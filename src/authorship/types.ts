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
    | 'RECORDS_NOT_RECOVERED';
  message: string;
  commit?: string;
}

export interface ScanReport extends Envelope<'scanReport'> {
  repository: RepositoryInfo;
  range: { spec: string; all: boolean; leftOut?: { ref: string; tool: string }[] };
  commits: CommitReport[];
  summary: ScanSummary;
  warnings: ScanWarning[];
}
