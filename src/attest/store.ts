import { exceedsDepth } from '../kernel/json-depth.js';
import { createHash } from 'node:crypto';
import type { NotesReader, NotesWriter } from '../git/types.js';
import { isMissingNote, missingNoteProblem } from '../git/types.js';
import { appendNoteLines } from '../git/note-lines.js';
import { NotesError } from '../kernel/errors.js';
import { BUNDLE_CAP } from '../kernel/files.js';
import type { SerializedBundle } from './sign.js';

/**
 * Attestations kept in the repository: `refs/notes/aiprov-attestations`, one
 * note per commit holding its bundles as JSON lines (one bundle per line, in
 * the order they were added). Adding appends: a bundle already there is not
 * added twice, nothing is ever replaced, and concurrent writers do not lose
 * each other's bundles (the ref moves by compare-and-swap, and the append
 * runs again on the note another writer left).
 */
export const ATTESTATIONS_REF = 'refs/notes/aiprov-attestations';

export async function appendBundles(git: NotesWriter, commit: string, bundles: readonly SerializedBundle[]): Promise<void> {
  await appendNoteLines(
    git,
    ATTESTATIONS_REF,
    commit,
    bundles.map((b) => JSON.stringify(b)),
    { unique: true },
  );
}

export interface StoredBundle {
  /** Where it was found, for messages: `refs/notes/aiprov-attestations:<sha12>#<line>`. */
  source: string;
  /** The SHA-256 of its line, as stored. */
  sha256: string;
  /** The parsed bundle, or undefined when its line is not JSON (reported, not skipped). */
  json: unknown;
}

/**
 * The bundles stored on a commit, in the order they were added; none when it
 * has no note. `ref` is aiprov's attestations ref, or another kept the same
 * way (the Source track's `refs/notes/commits`).
 */
export async function readStoredBundles(git: NotesReader, commit: string, ref: string = ATTESTATIONS_REF): Promise<StoredBundle[]> {
  const text = (await git.readNotes(ref, [commit])).get(commit);
  if (text === undefined) return [];
  if (isMissingNote(text)) throw new NotesError('NOTE_UNREADABLE', `the note on ${commit.slice(0, 12)} in ${ref} ${missingNoteProblem(text)}`);
  return bundleLines(text, ref, commit);
}

/** A note's lines as bundles: each parsed under the bundle cap and depth limit, or kept unparsed (reported, not skipped). */
export function bundleLines(text: string, ref: string, commit: string): StoredBundle[] {
  const out: StoredBundle[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      const parsed: unknown = line.length > BUNDLE_CAP ? undefined : JSON.parse(line);
      json = exceedsDepth(parsed) ? undefined : parsed;
    } catch {
      json = undefined;
    }
    out.push({ source: `${ref}:${commit.slice(0, 12)}#${i + 1}`, sha256: createHash('sha256').update(line).digest('hex'), json });
  });
  return out;
}

/**
 * The predicate type a bundle claims, read without trusting it: only to sort
 * bundles (which to verify as what), never to accept one. Undefined when the
 * bundle has no readable in-toto payload.
 */
export function claimedPredicateType(bundle: unknown): string | undefined {
  try {
    const payload = (bundle as { dsseEnvelope?: { payload?: unknown } } | null)?.dsseEnvelope?.payload;
    if (typeof payload !== 'string') return undefined;
    const type = (JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as { predicateType?: unknown }).predicateType;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}
