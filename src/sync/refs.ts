import { AIPROV_NOTES_REF, GIT_AI_NOTES_REF } from '../authorship/notes.js';
import { SHARED_NOTES_REFS } from '../git/remote.js';

/**
 * The notes refs `aiprov notes` moves, and how two copies of each are joined:
 * `records` (authorship notes: one JSON document of records per commit),
 * `lines` (JSON lines: attestation bundles, reviews, check decisions),
 * `read-only` (git-ai's: fetched and fast-forwarded, never merged or pushed;
 * git-ai's own sync writes it).
 */
export type NotesKind = 'records' | 'lines' | 'read-only';

export interface SyncedNotes {
  ref: string;
  kind: NotesKind;
}

export const SYNCED_NOTES: readonly SyncedNotes[] = SHARED_NOTES_REFS.map((ref) => ({
  ref,
  kind: ref === AIPROV_NOTES_REF ? 'records' : ref === GIT_AI_NOTES_REF ? 'read-only' : 'lines',
}));
