import type { RecordCoverage } from '../authorship/types.js';
import type { Envelope } from '../kernel/schemas.js';
import type { ScanWarning } from '../authorship/types.js';
import type { DetectionLevel } from '../git/blame.js';
import type { ExclusionReason } from './exclusions.js';

export interface LineCounts {
  /** Lines counted (with `since`: only lines introduced after it). */
  lines: number;
  aiLines: number;
  /** AI lines by agent; a line several agents claim counts once, under all of them joined by `+` (`claude-code+cursor`), so the values add up to `aiLines`. */
  byAgent: Record<string, number>;
  /** AI lines by model; `unknown` where the evidence names none; several joined by `+` as in byAgent. */
  byModel: Record<string, number>;
  /** With `contributors`: AI lines by agent and model together (`claude-code/claude-sonnet-4.5`, `copilot/unknown`), several joined by `+` as in byAgent. */
  byContributor?: Record<string, number>;
}

export interface FileAttribution extends LineCounts {
  path: string;
}

export interface DirectoryAttribution extends LineCounts {
  path: string;
  files: number;
  aiShare: number;
}

export interface BlameReport extends Envelope<'blameReport'> {
  repository: { root: string };
  rev: string;
  revSpec: string;
  since: string | null;
  sinceSpec: string | null;
  detection: DetectionLevel;
  /** Which files were counted and how (what a reader of the report needs to know it is of the whole tree: attest's given blame). */
  selection?: { paths: string[]; include: string[]; exclude: string[]; includeAll: boolean; contributors: boolean };
  files: FileAttribution[];
  directories: DirectoryAttribution[];
  totals: LineCounts & { files: number; aiShare: number };
  excluded: { path: string; reason: ExclusionReason }[];
  /**
   * Lines at the revision from commits whose only AI evidence is an applied review suggestion (a person accepted a
   * suggestion an AI reviewer made): credited to the suggesting agent in the role `suggestion`, counted apart from
   * `totals` (not in aiLines or aiShare); present when there are any.
   */
  suggestions?: { lines: number; byAgent: Record<string, number> };
  /** With `coverage`: how complete and consistent the records of the blamed commits are, and where the AI lines came from. */
  coverage?: RecordCoverage;
  warnings: ScanWarning[];
}
