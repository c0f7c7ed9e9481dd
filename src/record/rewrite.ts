import { AIPROV_NOTES_REF, parseAiprovNote, type NoteRecord } from '../authorship/notes.js';
import type { ScanWarning } from '../authorship/types.js';
import { isMissingNote, missingNoteProblem, type NotesWriter, type TreeReader } from '../git/types.js';
import { NotesError } from '../kernel/errors.js';
import { buildNote, recordsIn, recordIdentity } from './note-store.js';

export interface Rewrite {
  from: string;
  to: string;
}

/**
 * Carries authorship notes through `commit --amend` and `rebase` (the pairs
 * git hands the post-rewrite hook). Line ranges are re-read against the new
 * commit: unchanged lines move with the hunks above them, lines the rewrite
 * changed are dropped. Several old commits folded into one (fixup, squash)
 * give the new commit all their records. Records already on the new commit
 * that did not come from these old ones are kept.
 */
export interface CarryOptions {
  context: { git: TreeReader & NotesWriter };
  /** The old → new pairs git reports (`parseRewriteInput`). */
  rewrites: readonly Rewrite[];
}

export interface CarryResult {
  /** The rewritten commits that got notes, with how many records each now holds. */
  written: { commit: string; records: number }[];
  /** Notes that could not be read (and were not carried), each naming its commit. */
  warnings: ScanWarning[];
}

export async function carryThroughRewrite(options: CarryOptions): Promise<CarryResult> {
  const {
    context: { git },
    rewrites,
  } = options;
  const warnings: ScanWarning[] = [];
  const notes = await git.readNotes(
    AIPROV_NOTES_REF,
    rewrites.map((r) => r.from),
  );
  const byTarget = new Map<string, string[]>();
  for (const { from, to } of rewrites) byTarget.set(to, [...(byTarget.get(to) ?? []), from]);
  const written: { commit: string; records: number }[] = [];
  for (const [to, froms] of byTarget) {
    const carried: NoteRecord[] = [];
    const carriedIds = new Set<string>();
    for (const from of froms) {
      const text = notes.get(from);
      if (text === undefined) continue;
      const parsed = parseAiprovNote(text);
      if (!parsed.ok) {
        warnings.push({
          code: 'BAD_NOTE',
          commit: from,
          message: `the note on ${AIPROV_NOTES_REF} for commit ${from.slice(0, 12)} ${parsed.problem}; not carried to ${to.slice(0, 12)}`,
        });
        continue;
      }
      for (const record of parsed.value.records) {
        carried.push(await remap(git, record, from, to));
        carriedIds.add(recordIdentity(record));
      }
    }
    if (carried.length === 0) continue;
    // What git itself copied onto the new commit (possibly concatenated) is replaced by the recomputed records.
    let count = 0;
    await git.updateNote(AIPROV_NOTES_REF, to, (current) => {
      // A note that cannot be read (missing, or over the cap) is never written over: what it holds would be lost.
      if (current !== undefined && isMissingNote(current))
        throw new NotesError(
          'NOTE_UNREADABLE',
          `the note on ${AIPROV_NOTES_REF} for commit ${to.slice(0, 12)} ${missingNoteProblem(current)}; refusing to write over it`,
        );
      let existing: NoteRecord[] = [];
      try {
        existing = recordsIn(current, to);
      } catch {
        // git's own concatenation of two notes is not JSON: the carried records replace it.
      }
      const records = [...existing.filter((r) => !carriedIds.has(recordIdentity(r))), ...carried];
      count = records.length;
      return buildNote(records);
    });
    written.push({ commit: to, records: count });
  }
  return { written, warnings };
}

async function remap(git: TreeReader, record: NoteRecord, from: string, to: string): Promise<NoteRecord> {
  if (!record.files) return record;
  const files: NonNullable<NoteRecord['files']> = [];
  for (const file of record.files) {
    if (!file.ranges) {
      files.push(file);
      continue;
    }
    const map = await git.lineMap(from, file.path, to, file.path).catch(() => undefined);
    if (!map) continue; // the file is gone from the new commit
    const ranges = map.mapRanges(file.ranges);
    if (ranges.length > 0) files.push({ path: file.path, ranges });
  }
  return { ...record, files };
}

/** Parses the post-rewrite hook's standard input: `<old-sha> <new-sha> [extra]` per line. */
export function parseRewriteInput(text: string, warnings: ScanWarning[] = []): Rewrite[] {
  const rewrites: Rewrite[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const m = /^([0-9a-f]{40,64}) ([0-9a-f]{40,64})(?: .*)?$/.exec(line.trim());
    if (m) rewrites.push({ from: m[1] ?? '', to: m[2] ?? '' });
    else warnings.push({ code: 'BAD_NOTE', message: `post-rewrite: ignored a line that is not "<old> <new>": ${JSON.stringify(line)}` });
  }
  return rewrites;
}
