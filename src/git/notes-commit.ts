import type { GitRunner } from './runner.js';

/**
 * Who commits aiprov's notes, and with what message. Enterprise pre-receive
 * hooks often refuse commits whose committer is not a known address, or
 * whose message lacks a ticket reference; notes commits are commits too.
 * Unset fields leave git's own (user.name and user.email, git's message).
 */
export interface NotesCommitter {
  name?: string;
  email?: string;
  message?: string;
}

/** The variables that make git author and commit as `committer` (nothing when none is set). */
export function committerEnv(committer: NotesCommitter | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  if (committer?.name !== undefined) {
    env.GIT_AUTHOR_NAME = committer.name;
    env.GIT_COMMITTER_NAME = committer.name;
  }
  if (committer?.email !== undefined) {
    env.GIT_AUTHOR_EMAIL = committer.email;
    env.GIT_COMMITTER_EMAIL = committer.email;
  }
  return env;
}

/** A notes commit of `tree` on `parents`, as `committer` with their message (else `message`). */
export async function commitNotesTree(
  git: GitRunner,
  tree: string,
  parents: readonly string[],
  committer: NotesCommitter | undefined,
  message: string,
): Promise<string> {
  const runner = git.withEnv(committerEnv(committer));
  const args = ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-m', committer?.message ?? message];
  return (await runner.text(args)).trim();
}
