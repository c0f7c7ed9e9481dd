import { NotesError } from '../kernel/errors.js';
import { isMissingNote, missingNoteProblem, type NotesWriter } from './types.js';

/**
 * Appends lines to the note on `sha` in `ref`: the notes aiprov keeps as
 * JSON lines (attestation bundles, reviews, check decisions). Nothing there
 * is replaced; with `unique`, a line already there is not added again. The
 * ref moves by compare-and-swap (NotesWriter.updateNote), so concurrent
 * writers keep each other's lines. A note whose object is missing is not
 * written over: the ref must be fetched first.
 */
export async function appendNoteLines(git: NotesWriter, ref: string, sha: string, lines: readonly string[], options: { unique?: boolean } = {}): Promise<void> {
  await git.updateNote(ref, sha, (current) => {
    if (current !== undefined && isMissingNote(current))
      throw new NotesError(
        'NOTE_UNREADABLE',
        current.tooLarge !== undefined
          ? `the note on ${sha.slice(0, 12)} in ${ref} ${missingNoteProblem(current)}; nothing added to it`
          : `the note on ${sha.slice(0, 12)} in ${ref} names object ${current.missingObject}, which is missing; fetch ${ref} before adding to it`,
      );
    const kept = current === undefined ? [] : current.split('\n').filter((l) => l.trim() !== '');
    const have = new Set(kept);
    const added = options.unique === true ? lines.filter((l) => !have.has(l)) : lines;
    return `${[...kept, ...added].join('\n')}\n`;
  });
}
