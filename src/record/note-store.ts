import { AIPROV_NOTES_REF, AUTHORSHIP_NOTE_SCHEMA, dedupeRecords, parseAiprovNote, type AuthorshipNote, type NoteRecord } from '../authorship/notes.js';
import { NotesError } from '../kernel/errors.js';
import type { NotesReader, NotesWriter, NoteText } from '../git/types.js';
import { validateAgainst } from '../kernel/schemas.js';

/**
 * Reads the records on a commit's `refs/notes/aiprov` note. A note that is
 * there but unreadable (not JSON, not a record, its object missing) is an
 * error: writing over it would lose what it holds.
 */
export async function readRecords(git: NotesReader, sha: string, notes?: Map<string, NoteText>): Promise<NoteRecord[]> {
  const all = notes ?? (await git.readNotes(AIPROV_NOTES_REF, [sha]));
  return recordsIn(all.get(sha), sha);
}

/** The records of one note's text (undefined: no note). */
export function recordsIn(text: NoteText | undefined, sha: string): NoteRecord[] {
  if (text === undefined) return [];
  const parsed = parseAiprovNote(text);
  if (!parsed.ok) {
    throw new NotesError(
      'NOTE_UNREADABLE',
      `the note on ${AIPROV_NOTES_REF} for commit ${sha.slice(0, 12)} ${parsed.problem}; refusing to write over it (inspect it with: git notes --ref=${AIPROV_NOTES_REF} show ${sha.slice(0, 12)})`,
    );
  }
  return parsed.value.records;
}

/** Serialises a note with its records in a stable order (same records, same bytes). */
export function buildNote(records: NoteRecord[]): string {
  const note: AuthorshipNote = { schema: AUTHORSHIP_NOTE_SCHEMA, records: dedupeRecords(records).sort(compareRecords) };
  const problem = validateAgainst('authorshipNote', note);
  if (problem) throw new NotesError('NOTE_INVALID', `the authorship record is not valid (${problem})`);
  return `${JSON.stringify(note, null, 2)}\n`;
}

/**
 * Adds records to a commit's note, keeping every record already there, also
 * those another `record` writes at the same moment (the note ref moves by
 * compare-and-swap). Returns all records now on it.
 */
export async function appendRecords(git: NotesWriter, sha: string, records: NoteRecord[]): Promise<NoteRecord[]> {
  let all: NoteRecord[] = [];
  await git.updateNote(AIPROV_NOTES_REF, sha, (current) => {
    all = dedupeRecords([...recordsIn(current, sha), ...records]);
    return buildNote(all);
  });
  return all;
}

function compareRecords(a: NoteRecord, b: NoteRecord): number {
  const ka = `${a.recordedAt}\u0000${a.agent}\u0000${a.model ?? ''}`;
  const kb = `${b.recordedAt}\u0000${b.agent}\u0000${b.model ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** What makes two records "the same record" across a rewrite: everything but the line ranges. */
export function recordIdentity(r: NoteRecord): string {
  return JSON.stringify([r.agent, r.name ?? null, r.model ?? null, r.session ?? null, r.promptSha256 ?? null, r.recordedAt, r.tool.name]);
}
