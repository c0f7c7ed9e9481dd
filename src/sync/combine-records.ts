import { parseAiprovNote, type NoteRecord } from '../authorship/notes.js';
import type { CombineNotes } from '../git/notes-merge.js';
import { buildNote, recordIdentity } from '../record/note-store.js';

/**
 * Two copies of a commit's authorship note joined: every record of either,
 * the same record once. Two records that are the same act (agent, session,
 * prompt, time, tool) but claim different lines are both kept and reported:
 * choosing one would drop a record, and neither side can be known right.
 * A copy that is not a readable note is kept as it is, beside the other
 * (git's own "concatenate"), and reported: nothing is dropped to make it parse.
 */
export const combineRecords: CombineNotes = (local, other, commit) => {
  const mine = parseAiprovNote(local);
  const theirs = parseAiprovNote(other);
  if (!mine.ok || !theirs.ok) {
    const problem = !mine.ok ? `the local note ${mine.problem}` : `the remote's note ${theirs.ok ? '' : theirs.problem}`;
    return {
      text: `${local.trimEnd()}\n\n${other.trimEnd()}\n`,
      conflict: `${problem}: both kept as they were, one after the other (inspect with: git notes --ref=refs/notes/aiprov show ${commit.slice(0, 12)})`,
    };
  }
  const records = [...mine.value.records, ...theirs.value.records];
  const differing = claimsThatDiffer(records);
  return {
    text: buildNote(records),
    ...(differing.length > 0
      ? { conflict: `${differing.join(', ')} recorded with different lines on each side: both records kept (the lines of either count)` }
      : {}),
  };
};

/** The acts recorded twice with different content, named by agent and time. */
function claimsThatDiffer(records: NoteRecord[]): string[] {
  const seen = new Map<string, string>();
  const differing = new Set<string>();
  for (const record of records) {
    const key = recordIdentity(record);
    const whole = JSON.stringify(record);
    const before = seen.get(key);
    if (before === undefined) seen.set(key, whole);
    else if (before !== whole) differing.add(`${record.agent} at ${record.recordedAt}`);
  }
  return [...differing];
}
