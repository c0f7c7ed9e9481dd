import type { CommitRecord } from '../git/types.js';
import type { CacheUse } from '../kernel/cache-store.js';
import type { LineClaim } from './line-records.js';
import type { Detection, ScanWarning } from './types.js';

/** Records carried onto a commit that has none of its own, from the commits it came from. */
export interface RecoveredRecords {
  /** Line claims in the commit's own version of each file. */
  files: Map<string, LineClaim[]>;
  /** Claims on the whole commit (records that name no files). */
  whole: LineClaim[];
  /** The detections they make, each saying where it was recovered from and how. */
  detections: Detection[];
}

/**
 * The role of finding, for a commit with no record of its own, the commits
 * it came from (a squash merge's pull request, a rebased or cherry-picked
 * commit) and carrying their records onto it (recover/ has the
 * implementation). The notes loader asks it; scan and blame, and so every
 * command built on them, see the same.
 */
export interface RecordRecovery {
  /** Reads what is needed to tell candidates (the pull refs, the commits with records); once a run. */
  prepare(): Promise<void>;
  /** Whether the commit may have come from commits with records: cheap, no diff read (after `prepare`). */
  candidate(commit: CommitRecord): boolean;
  /**
   * The records recovered for these commits (those with none of their own);
   * warnings say what was dropped and why. With `lines: false` (a scan, which
   * needs who wrote each commit, not which lines), only the detections.
   */
  recover(shas: readonly string[], warnings: ScanWarning[], options?: { lines?: boolean }): Promise<Map<string, RecoveredRecords>>;
  /** Keeps what it reads once a run between runs, in a cache the command was given (before `prepare`). */
  keepIndexIn?(cache: CacheUse): void;
}
