import { notesTrackingRef, overwritingNotesRefspecs, overwritingRefspecWarning, type RemoteSync } from '../git/remote.js';
import type { NotesMergeResult } from '../git/notes-merge.js';
import { NotesError } from '../kernel/errors.js';
import { combineRecords } from './combine-records.js';
import { SYNCED_NOTES, type SyncedNotes } from './refs.js';

/** What `aiprov notes fetch|merge|push` did to each ref. */
export interface NotesRefSync {
  ref: string;
  /** Whether the remote has the ref (fetch and push); undefined for a merge of what was fetched before. */
  onRemote?: boolean;
  merge?: Pick<NotesMergeResult, 'outcome' | 'combined' | 'added' | 'conflicts'>;
  /** `pushed`, or `absent` when there is no local ref to push; `read-only` for git-ai's, which aiprov never pushes. */
  push?: 'pushed' | 'absent' | 'read-only';
  /** Pushes it took: more than one when the remote moved meanwhile and its notes were merged first. */
  attempts?: number;
}

export interface NotesSyncResult {
  remote: string;
  action: 'fetch' | 'merge' | 'push';
  refs: NotesRefSync[];
  /** Forced notes refspecs found in the remote's config (they overwrite local notes on every plain `git fetch`). */
  warnings: string[];
}

export interface NotesSyncContext {
  sync: RemoteSync;
}

/** Pushes before giving up on a remote that keeps moving (each attempt after the first merges the remote's notes). */
export const PUSH_ATTEMPTS = 6;

/**
 * Fetches the remote's notes into `refs/notes/remotes/<remote>/…` (never onto
 * the local refs) and merges each into its local ref as a union. Only refs
 * the remote has are asked for; the remote's configured refspecs are not
 * applied on the side (a forced notes refspec is reported, never used).
 */
export async function fetchNotes(options: { context: NotesSyncContext; remote: string }): Promise<NotesSyncResult> {
  const { sync } = options.context;
  const { remote } = options;
  const warnings = await refspecWarnings(sync, remote);
  const present = await sync.remoteRefs(remote, ['refs/notes/*']);
  const there = SYNCED_NOTES.filter((n) => present.has(n.ref));
  await sync.fetch(
    remote,
    there.map((n) => `+${n.ref}:${notesTrackingRef(remote, n.ref)}`),
    { exact: true },
  );
  const refs: NotesRefSync[] = [];
  for (const notes of SYNCED_NOTES) {
    if (!present.has(notes.ref)) refs.push({ ref: notes.ref, onRemote: false });
    else refs.push({ ref: notes.ref, onRemote: true, merge: await mergeOne(sync, remote, notes) });
  }
  return { remote, action: 'fetch', refs, warnings };
}

/** Merges what an earlier fetch brought (`git fetch` with the refspec `hooks install` adds) into the local refs; no network. */
export async function mergeFetchedNotes(options: { context: NotesSyncContext; remote: string }): Promise<NotesSyncResult> {
  const { sync } = options.context;
  const warnings = await refspecWarnings(sync, options.remote);
  const refs: NotesRefSync[] = [];
  for (const notes of SYNCED_NOTES) refs.push({ ref: notes.ref, merge: await mergeOne(sync, options.remote, notes) });
  return { remote: options.remote, action: 'merge', refs, warnings };
}

/**
 * Pushes each of aiprov's local notes refs without force. When the remote
 * refuses (it moved: another clone or a CI job pushed first), its notes are
 * fetched, merged in, and the push made again, up to PUSH_ATTEMPTS times;
 * nobody's record is overwritten. `noVerify` from inside the pre-push hook.
 */
export async function pushNotes(options: { context: NotesSyncContext; remote: string; noVerify?: boolean }): Promise<NotesSyncResult> {
  const { sync } = options.context;
  const { remote } = options;
  const warnings = await refspecWarnings(sync, remote);
  const local = await sync.localRefs('refs/notes/');
  const refs: NotesRefSync[] = [];
  for (const notes of SYNCED_NOTES) {
    if (notes.kind === 'read-only') refs.push({ ref: notes.ref, push: 'read-only' });
    else if (!local.has(notes.ref)) refs.push({ ref: notes.ref, push: 'absent' });
    else refs.push(await pushOne(sync, remote, notes, options.noVerify === true));
  }
  return { remote, action: 'push', refs, warnings };
}

async function pushOne(sync: RemoteSync, remote: string, notes: SyncedNotes, noVerify: boolean): Promise<NotesRefSync> {
  let merge: NotesRefSync['merge'];
  let reason = '';
  for (let attempt = 1; attempt <= PUSH_ATTEMPTS; attempt++) {
    const outcome = await sync.push(remote, [`${notes.ref}:${notes.ref}`], { noVerify });
    if (outcome.pushed) return { ref: notes.ref, push: 'pushed', attempts: attempt, ...(merge ? { merge } : {}) };
    reason = outcome.reason;
    // A hook's refusal of a ref the remote does not have yet leaves nothing to merge: only the push is tried again.
    if ((await sync.remoteRefs(remote, [notes.ref])).has(notes.ref)) {
      await sync.fetch(remote, [`+${notes.ref}:${notesTrackingRef(remote, notes.ref)}`], { exact: true });
      merge = accumulate(merge, await mergeOne(sync, remote, notes));
    }
    // Pushers that collided back off for different times, so they do not collide again in step.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * attempt));
  }
  throw new NotesError('NOTES_PUSH_REFUSED', `${remote} refused ${notes.ref} ${PUSH_ATTEMPTS} times (last: ${reason}); the local notes are intact`);
}

async function mergeOne(sync: RemoteSync, remote: string, notes: SyncedNotes): Promise<NonNullable<NotesRefSync['merge']>> {
  const combine = notes.kind === 'records' ? combineRecords : notes.kind === 'read-only' ? 'fast-forward-only' : undefined;
  const { outcome, combined, added, conflicts } = await sync.mergeNotes(notes.ref, notesTrackingRef(remote, notes.ref), combine);
  return { outcome, combined, added, conflicts };
}

function accumulate(before: NotesRefSync['merge'], now: NonNullable<NotesRefSync['merge']>): NonNullable<NotesRefSync['merge']> {
  if (!before) return now;
  return {
    outcome: now.outcome === 'up-to-date' ? before.outcome : now.outcome,
    combined: [...new Set([...before.combined, ...now.combined])],
    added: before.added + now.added,
    conflicts: [...before.conflicts, ...now.conflicts],
  };
}

async function refspecWarnings(sync: RemoteSync, remote: string): Promise<string[]> {
  const configured = await sync.fetchRefspecs(remote);
  return overwritingNotesRefspecs(
    configured,
    SYNCED_NOTES.map((n) => n.ref),
  ).map((spec) => overwritingRefspecWarning(remote, spec));
}
