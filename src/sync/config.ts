import type { NotesCommitter } from '../git/notes-commit.js';

/** The `notes:` section of `.aiprov.yml`: who commits aiprov's notes, and whether the pre-push hook pushes them. */
export interface NotesConfig {
  /** Committer (and author) of notes commits, for pre-receive hooks that check them; git's identity when unset. */
  committer?: { name?: string; email?: string };
  /** Message of notes commits (git's own when unset). */
  message?: string;
  /** The pre-push hook `hooks install` adds pushes aiprov's notes with the branch (default true). */
  pushWithBranch?: boolean;
}

/** The identity and message the git adapter commits notes with. */
export function notesCommitter(config: NotesConfig | undefined): NotesCommitter | undefined {
  if (!config) return undefined;
  const committer: NotesCommitter = { ...config.committer, ...(config.message !== undefined ? { message: config.message } : {}) };
  return Object.keys(committer).length > 0 ? committer : undefined;
}
