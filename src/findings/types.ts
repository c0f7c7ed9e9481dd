import type { ScanWarning } from '../authorship/types.js';
import type { DetectionLevel } from '../git/blame.js';
import type { Envelope } from '../kernel/schemas.js';
import type { ApartReason } from './locate.js';
import type { Rate, RateRatio } from './stats.js';

export type Level = 'none' | 'note' | 'warning' | 'error';
export type SecuritySeverity = 'critical' | 'high' | 'medium' | 'low';
/** Who wrote a finding's lines: all by agents, none, or some of each (`mixed`, split by line in `lines`). */
export type FindingClass = 'ai' | 'no-agent' | 'mixed';

/** Where a result came from: the file as named, the run's index in it, the result's index in the run. */
export interface ResultRef {
  input: string;
  run: number;
  index: number;
  tool: string;
  ruleId: string;
}

export interface AttributedFinding extends ResultRef {
  level: Level;
  securitySeverity: SecuritySeverity | null;
  path: string;
  startLine: number;
  endLine: number;
  class: FindingClass;
  /** The class it is counted under in the densities: that of its first line (the result's primary location). */
  countedAs: 'ai' | 'no-agent';
  /** The agent, model and contributor keys of its first line (blame's keys: several joined by `+`), null when no agent. */
  agent: string | null;
  model: string | null;
  contributor: string | null;
  /** Every agent and model credited with any of its lines, and the commits that last wrote them. */
  agents: string[];
  models: string[];
  commits: string[];
  lines: { ai: number; noAgent: number };
  /** `inferred` when any of its AI lines rests on inferred evidence, `declared` otherwise; null without AI lines. */
  confidence: 'declared' | 'inferred' | null;
  /** The result's first partial fingerprint or fingerprint (`name=value`), when the scanner gave one. */
  fingerprint: string | null;
}

export interface ApartFinding extends ResultRef {
  reason: ApartReason;
  /** The URI or path it named, when it named one. */
  uri: string | null;
}

export interface Density {
  ai: Rate;
  noAgent: Rate;
  /** AI over no agent. */
  ratio: RateRatio;
  verdict: string;
}

export interface KeyedRate extends Rate {
  key: string;
}

export interface RunSummary {
  input: string;
  run: number;
  tool: string;
  version: string | null;
  results: number;
  counted: number;
  /** False when the scanner said its run did not complete (`invocations[].executionSuccessful`), or it reported no results array. */
  complete: boolean;
  /** What the run's lines are: the files it lists as artifacts (with those its results name), or the tree at the revision. */
  coverage: 'artifacts' | 'tree';
  files: number;
  density: Density;
}

export interface FindingsReport extends Envelope<'findingsReport'> {
  repository: { root: string };
  rev: string;
  revSpec: string;
  /** Where the revision came from: the logs' versionControlProvenance, --rev, or HEAD. */
  revisionFrom: 'sarif' | 'rev' | 'head';
  detection: DetectionLevel;
  level: number;
  runs: RunSummary[];
  /** The lines of every file some run covered, by who wrote them: the densities' denominators. */
  coverage: { files: number; lines: number; aiLines: number; noAgentLines: number };
  totals: { results: number; attributed: number; ai: number; noAgent: number; mixed: number; apart: Partial<Record<ApartReason, number>> };
  density: Density;
  byAgent: KeyedRate[];
  byModel: KeyedRate[];
  byContributor: KeyedRate[];
  byRule: {
    tool: string;
    ruleId: string;
    level: Level;
    securitySeverity: SecuritySeverity | null;
    ai: number;
    noAgent: number;
    mixed: number;
    total: number;
  }[];
  findings: AttributedFinding[];
  apart: ApartFinding[];
  /** With logs of earlier revisions: how long findings took to fix, by who wrote them. */
  remediation?: RemediationReport;
  warnings: ScanWarning[];
}

export interface Remediation {
  /** Findings first seen at a later revision of the series (their appearance is known). */
  appeared: number;
  fixed: number;
  /** Still there at the last revision. */
  open: number;
  /** Days from appearance to fix, over the fixed ones. */
  medianDays: number | null;
  meanDays: number | null;
}

export interface TrackedFinding {
  tool: string;
  ruleId: string;
  /** Where it was when it appeared (or at the first revision). */
  path: string;
  startLine: number;
  countedAs: 'ai' | 'no-agent';
  agent: string | null;
  /** The revision it was first seen at; null when it was there at the first revision (its appearance is before the series). */
  appeared: string | null;
  /** The first revision it was gone at; null while it is open. */
  fixed: string | null;
  days: number | null;
}

export interface RemediationReport {
  revisions: { rev: string; committedAt: string; findings: number }[];
  byClass: { ai: Remediation; noAgent: Remediation };
  byAgent: (Remediation & { key: string })[];
  /** There at the first revision: when they appeared is not known, so they are in no time to fix. */
  alreadyPresent: number;
  tracked: TrackedFinding[];
}
