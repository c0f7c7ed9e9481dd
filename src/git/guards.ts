import { GitError, UsageError } from '../kernel/errors.js';

/**
 * Revisions that reach git from users or files must never be read as options
 * (`--output=/etc/x`, `--upload-pack=…`): reject a leading dash here, and pass
 * every revision after `--end-of-options` as well (git >= 2.24 stops reading
 * options there, even for commands whose revisions could look like options).
 */
export function assertSafeRevision(revision: string, what = 'revision'): void {
  if (revision.length === 0) throw new UsageError(`empty ${what}`);
  if (revision.startsWith('-')) throw new UsageError(`${what} '${revision}' begins with '-': refused, it would be read as an option`);
  if (/[\0\n\r]/.test(revision)) throw new UsageError(`${what} ${JSON.stringify(revision)} contains a control character`);
}

/** Refs we are asked to read notes from are fixed strings of ours, but keep them in shape. */
export function assertNotesRef(ref: string): void {
  if (!/^refs\/notes\/[A-Za-z0-9._/-]+$/.test(ref) || ref.includes('..')) {
    throw new UsageError(`notes ref '${ref}' is not of the form refs/notes/NAME`);
  }
}

/** A full commit id (SHA-1 or SHA-256). */
export const COMMIT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** Full commit ids only: what callers pass these methods comes from git, and anything else is a bug to stop at once. */
export function assertCommitIds(shas: readonly string[]): void {
  for (const sha of shas) if (!COMMIT_ID.test(sha)) throw new GitError('BAD_REVISION', `not a commit id: ${sha}`);
}
