import { UsageError } from '../kernel/errors.js';
import type { HistoryReader, NotesReader } from '../git/types.js';

/**
 * `--since` means the same thing in every command, a point in the history,
 * written as a date or as a revision: `report` needs a time (a revision gives
 * its commit's time), `blame` and `bom` a revision (a date gives the newest
 * commit before it on the history shown).
 */
const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** A date or time: `2026-01-31` (midnight UTC) or ISO 8601 with a time; undefined when the text is not one. */
export function parseDate(text: string): Date | undefined {
  if (!DATE.test(text)) return undefined;
  const time = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/** `--since` as a time: a date, or the commit time of a revision. */
export async function sinceTime(git: HistoryReader & NotesReader, text: string): Promise<Date> {
  const date = parseDate(text);
  if (date) return date;
  const sha = await git.resolveCommit(text).catch(() => undefined);
  if (sha === undefined) throw new UsageError(`--since ${text}: neither a date (YYYY-MM-DD, or ISO 8601 with a time) nor a revision of the repository`);
  const seconds = (await git.commitTimes([sha])).get(sha);
  if (seconds === undefined) throw new UsageError(`--since ${text}: the commit time of ${sha.slice(0, 12)} could not be read`);
  return new Date(seconds * 1000);
}

/** `--since` as a revision: a revision as given, or for a date the newest commit of `rev` before it (none: the whole history). */
export async function sinceRevision(git: HistoryReader, text: string, rev: string): Promise<string | undefined> {
  const date = parseDate(text);
  if (!date || (await git.resolveCommit(text).catch(() => undefined)) !== undefined) return text;
  return git.lastCommitBefore(rev, date);
}
