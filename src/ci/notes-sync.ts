import { notesTrackingRef, SHARED_NOTES_REFS, type RemoteSync } from '../git/remote.js';
import { GitError } from '../kernel/errors.js';
import type { ForgeRun } from './forge-run.js';

/**
 * The notes refs aiprov reads, fetched in CI beside the base: authorship
 * (aiprov's and git-ai's), human reviews, recorded decisions, attestations.
 * Only the ones the remote has are asked for (a missing ref would fail the fetch).
 */
export const NOTES_TO_FETCH = SHARED_NOTES_REFS;
const CHECKS = 'refs/notes/aiprov-checks';
const PUSH_ATTEMPTS = 4;

/** The base branch of a pull request, the whole history (a shallow clone cannot decide), and the notes. */
export async function syncForCheck(sync: RemoteSync, remote: string, run: ForgeRun, say: (line: string) => void): Promise<void> {
  const refspecs: string[] = [];
  if (run.change && run.change.baseBranch !== '') refspecs.push(`+refs/heads/${run.change.baseBranch}:refs/remotes/${remote}/${run.change.baseBranch}`);
  const unshallow = await sync.isShallow();
  const present = await sync.remoteRefs(remote, ['refs/notes/*']);
  const notes = NOTES_TO_FETCH.filter((ref) => present.has(ref));
  refspecs.push(...notes.map((ref) => `+${ref}:${ref}`));
  await sync.fetch(remote, refspecs, { unshallow });
  say(
    `fetched ${[run.change && run.change.baseBranch !== '' ? `the base ${run.change.baseBranch}` : '', unshallow ? 'the whole history' : '', notes.length > 0 ? notes.join(', ') : "no notes (the remote has none of aiprov's)"].filter(Boolean).join('; ')}`,
  );
}

/**
 * Pushes the recorded decisions. When the remote's ref moved meanwhile (another
 * job recorded), its notes are fetched and merged line by line, and the push
 * tried again: no job's record overwrites another's.
 */
export async function pushChecks(sync: RemoteSync, remote: string, say: (line: string) => void): Promise<void> {
  let reason = '';
  for (let attempt = 1; attempt <= PUSH_ATTEMPTS; attempt++) {
    const outcome = await sync.push(remote, [`${CHECKS}:${CHECKS}`]);
    if (outcome.pushed) {
      say(`pushed ${CHECKS} to ${remote}`);
      return;
    }
    reason = outcome.reason;
    say(`${remote} refused ${CHECKS} (${reason}): merging its records and pushing again`);
    const tracking = notesTrackingRef(remote, CHECKS);
    await sync.fetch(remote, [`+${CHECKS}:${tracking}`], { exact: true });
    await sync.mergeNotes(CHECKS, tracking);
  }
  throw new GitError('GIT_FAILED', `${remote} refused ${CHECKS} ${PUSH_ATTEMPTS} times (last: ${reason})`);
}
