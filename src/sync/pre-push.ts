import { assertRemoteName } from '../git/remote.js';
import type { NotesConfig } from './config.js';
import { pushNotes, type NotesSyncContext, type NotesSyncResult } from './sync.js';

/**
 * The pre-push hook's part: aiprov's notes pushed with the branch, to the
 * same remote. git runs the hook as `pre-push <remote> <url>` with the refs
 * being pushed on standard input. Nothing is pushed when the push is only of
 * notes (it may be this very push, made with --no-verify, or the user's own),
 * when the remote is a URL rather than a configured remote (there is no
 * remote-tracking ref to merge through), or when `notes.pushWithBranch` is false.
 */
export async function pushNotesWithBranch(options: {
  context: NotesSyncContext & { config: { notes?: NotesConfig } };
  args: readonly string[];
  stdin: string;
}): Promise<{ result: NotesSyncResult } | { skipped: string; /** Worth telling the person pushing. */ say: boolean }> {
  const { context, args, stdin } = options;
  if (context.config.notes?.pushWithBranch === false) return { skipped: 'notes.pushWithBranch is false', say: false };
  const remote = args[0] ?? '';
  const destinations = stdin
    .split('\n')
    .map((line) => line.split(' ')[2])
    .filter((ref): ref is string => ref !== undefined && ref !== '');
  if (destinations.length > 0 && destinations.every((ref) => ref.startsWith('refs/notes/'))) return { skipped: 'only notes are being pushed', say: false };
  try {
    assertRemoteName(remote);
  } catch {
    return { skipped: 'the push is to a URL, not a configured remote: push the notes with aiprov notes push REMOTE', say: true };
  }
  return { result: await pushNotes({ context, remote, noVerify: true }) };
}
