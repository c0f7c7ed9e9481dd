import type { AgentId } from '../authorship/agents.js';
import type { Finding as PolicyFinding } from '../policy/findings.js';
import type { Severity } from '../policy/severity.js';

export type { Severity };

export type Ecosystem = 'npm' | 'pypi' | 'go' | 'cargo';
export const ECOSYSTEMS: readonly Ecosystem[] = ['npm', 'pypi', 'go', 'cargo'];

/** Where a dependency name was found. */
export interface Source {
  file: string;
  line: number;
  /** What kind of place: a manifest, a lockfile, or an install command in text. */
  kind: 'manifest' | 'lockfile' | 'command';
}

/** A name to check, as extracted, before any registry is asked. */
export interface FoundDependency {
  ecosystem: Ecosystem;
  name: string;
  /** Version range or pin as written (`^5.1.0`, `==2.0`, `v1.2.3`); '' when none. */
  spec: string;
  source: Source;
  /** Not looked up: a URL, a path or a VCS reference (kept so the report says so). */
  local?: string;
  /** PyPI extras asked for (`flask[async]`), PEP 685 normalised: checked against those the package defines. */
  extras?: string[];
}

export type SignalId =
  | 'invalid-name'
  | 'not-found'
  | 'unpublished'
  | 'unknown-extra'
  | 'security-holding'
  | 'typosquat'
  | 'new-package'
  | 'low-popularity'
  | 'install-scripts'
  | 'no-repository'
  | 'deprecated'
  | 'expired-suppression';

/** A dependency finding: the policy layer's finding with a signal id; `suggestion` is the package it probably meant. */
export type SignalFinding = PolicyFinding<SignalId>;

export type Verdict = 'ok' | 'warn' | 'suspicious' | 'hallucinated' | 'malicious' | 'unknown';

export interface Introduction {
  sha: string;
  ai: boolean;
  agents: AgentId[];
  subject: string;
}

export interface DependencyReport {
  ecosystem: Ecosystem;
  name: string;
  spec: string;
  sources: Source[];
  introducedBy?: Introduction;
  verdict: Verdict;
  findings: SignalFinding[];
  /** Signals that could not be checked for lack of data (a thin registry, no downloads API): never findings. */
  unknownSignals: SignalId[];
  /** Why the verdict is unknown, when it is. */
  error?: string;
  /** Set for names not looked up (URLs, paths, VCS references). */
  local?: string;
  /** Set for names of an ecosystem left out with `deps.skip` / `--skip`: not looked up, by choice. */
  skipped?: true;
  /** PyPI extras the repository asks for. */
  extras?: string[];
}
