import type { NotesWriter } from '../git/types.js';
import { appendNoteLines } from '../git/note-lines.js';
import type { CheckReport } from './check.js';

/**
 * The gate's decisions, kept in the repository: `refs/notes/aiprov-checks`,
 * one JSON line per run of `check` on the note of the head commit, appended
 * (a commit checked again, against another base or after a review, keeps
 * every decision). Enough to compute pass rate, escalation rate and
 * findings over time from the repository alone.
 */
export const CHECKS_REF = 'refs/notes/aiprov-checks';

export interface CheckRecord {
  checkedAt: string;
  base: string;
  head: string;
  decision: CheckReport['decision'];
  couldNotDecide: boolean;
  aiShare: number;
  aiLines: number;
  lines: number;
  escalations: number;
  waiting: number;
  secrets: number;
  dependencies: number;
  byRule: Record<string, number>;
  tool: string;
}

export function checkRecord(report: CheckReport, checkedAt: Date): CheckRecord {
  const escalated = report.hunks.filter((h) => h.escalated);
  const byRule: Record<string, number> = {};
  for (const h of escalated) byRule[h.rule] = (byRule[h.rule] ?? 0) + 1;
  return {
    checkedAt: checkedAt.toISOString(), base: report.base, head: report.head, decision: report.decision, couldNotDecide: report.couldNotDecide !== null,
    aiShare: report.change.aiShare, aiLines: report.change.aiLines, lines: report.change.lines,
    escalations: escalated.length, waiting: escalated.filter((h) => h.reviewedBy.length === 0).length,
    secrets: report.secrets.length, dependencies: report.dependencies.failing.length, byRule, tool: `aiprov ${report.tool.version}`,
  };
}

export async function recordCheck(git: NotesWriter, record: CheckRecord): Promise<void> {
  await appendNoteLines(git, CHECKS_REF, record.head, [JSON.stringify(record)]);
}
