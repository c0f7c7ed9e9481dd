import { isMissingNote, type NotesReader, type NotesWriter } from '../git/types.js';
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
  /** Escalated hunks without a review, by rule (absent from records written before it was kept). */
  waitingByRule?: Record<string, number>;
  secrets: number;
  dependencies: number;
  byRule: Record<string, number>;
  tool: string;
}

export function checkRecord(report: CheckReport, checkedAt: Date): CheckRecord {
  const escalated = report.hunks.filter((h) => h.escalated);
  const byRule: Record<string, number> = {};
  const waitingByRule: Record<string, number> = {};
  for (const h of escalated) {
    byRule[h.rule] = (byRule[h.rule] ?? 0) + 1;
    if (h.reviewedBy.length === 0) waitingByRule[h.rule] = (waitingByRule[h.rule] ?? 0) + 1;
  }
  return {
    checkedAt: checkedAt.toISOString(),
    base: report.base,
    head: report.head,
    decision: report.decision,
    couldNotDecide: report.couldNotDecide !== null,
    aiShare: report.change.aiShare,
    aiLines: report.change.aiLines,
    lines: report.change.lines,
    escalations: escalated.length,
    waiting: escalated.filter((h) => h.reviewedBy.length === 0).length,
    waitingByRule,
    secrets: report.secrets.length,
    dependencies: report.dependencies.failing.length,
    byRule,
    tool: `aiprov ${report.tool.version}`,
  };
}

export async function recordCheck(git: NotesWriter, record: CheckRecord): Promise<void> {
  await appendNoteLines(git, CHECKS_REF, record.head, [JSON.stringify(record)]);
}

/**
 * Every decision recorded, for reports over time. A line that is not a
 * record (anyone who can push notes can write one) is counted in `unreadable`,
 * never guessed at.
 */
export async function readCheckRecords(git: NotesReader): Promise<{ records: CheckRecord[]; unreadable: number }> {
  const snapshot = await git.notesAt(CHECKS_REF);
  const notes = await snapshot.read([...(await snapshot.noted())]);
  const records: CheckRecord[] = [];
  let unreadable = 0;
  for (const [commit, text] of notes) {
    // A record that cannot be read is counted with the unreadable lines, never guessed at.
    if (isMissingNote(text)) {
      unreadable++;
      continue;
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const record = parseRecord(line, commit);
      if (record) records.push(record);
      else unreadable++;
    }
  }
  return { records, unreadable };
}

const DECISIONS = new Set(['pass', 'needs-review', 'fail']);

function parseRecord(line: string, commit: string): CheckRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Partial<CheckRecord>;
  const counts = [r.escalations, r.waiting, r.secrets, r.dependencies];
  if (r.head !== commit || typeof r.checkedAt !== 'string' || Number.isNaN(Date.parse(r.checkedAt)) || !DECISIONS.has(r.decision ?? '')) return undefined;
  if (!counts.every(isCount) || !isCountMap(r.byRule) || (r.waitingByRule !== undefined && !isCountMap(r.waitingByRule))) return undefined;
  return r as CheckRecord;
}

function isCount(n: unknown): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}

function isCountMap(map: unknown): boolean {
  return typeof map === 'object' && map !== null && !Array.isArray(map) && Object.values(map).every(isCount);
}
