import { randomBytes } from 'node:crypto';
import { GitError } from '../kernel/errors.js';
import { assertCommitIds, assertNotesRef } from './guards.js';
import type { NotesCommitter } from './notes-commit.js';
import { committerEnv } from './notes-commit.js';
import { exitOf, type GitRunner } from './runner.js';

const ATTEMPTS = 5;

/**
 * Adds many notes to `ref` in one notes commit, through one `git fast-import`
 * (an export of thousands of notes would otherwise cost several git
 * processes each): only on commits that have no note there, which keep
 * theirs; the ref moves by compare-and-swap, and when another writer moved it
 * meanwhile the notes are counted against its new tip and written again.
 */
export async function addNotesAtOnce(
  git: GitRunner,
  ref: string,
  notes: ReadonlyMap<string, string>,
  noted: () => Promise<ReadonlySet<string>>,
  committer: NotesCommitter | undefined,
): Promise<{ written: string[]; kept: string[] }> {
  assertNotesRef(ref);
  assertCommitIds([...notes.keys()]);
  for (let attempt = 0; ; attempt++) {
    const tip = (await git.text(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
    const present = tip === '' ? new Set<string>() : await noted();
    const kept = [...notes.keys()].filter((sha) => present.has(sha));
    const todo = [...notes].filter(([sha]) => !present.has(sha));
    if (todo.length === 0) return { written: [], kept };
    const scratch = `refs/notes/aiprov-scratch/${randomBytes(8).toString('hex')}`;
    try {
      await fastImport(git.withEnv(committerEnv(committer)), scratch, tip, todo, committer?.message ?? `Notes added by aiprov (${todo.length})`);
      const written = (await git.text(['rev-parse', '--verify', `${scratch}^{commit}`])).trim();
      const moved = await git.text(['update-ref', ref, written, tip === '' ? '0'.repeat(written.length) : tip]).then(
        () => false,
        async (error: unknown) => {
          const now = (await git.text(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
          if (now === tip) throw error;
          return true;
        },
      );
      if (!moved) return { written: todo.map(([sha]) => sha), kept };
    } finally {
      await git.text(['update-ref', '-d', scratch]).catch(() => undefined);
    }
    if (attempt >= ATTEMPTS) throw new GitError('GIT_FAILED', `could not update ${ref}: other writers kept moving it (${ATTEMPTS + 1} attempts)`);
  }
}

async function fastImport(git: GitRunner, scratch: string, tip: string, notes: readonly [string, string][], message: string): Promise<void> {
  const ident = (await git.text(['var', 'GIT_COMMITTER_IDENT'])).trim();
  const args = ['fast-import', '--quiet', '--done'];
  const child = git.spawn(args, ['pipe', 'ignore', 'pipe']);
  const exited = exitOf(child, args);
  const stdin = child.stdin;
  if (!stdin) throw new GitError('GIT_FAILED', 'git fast-import started without an input pipe');
  const write = async (chunk: Buffer): Promise<void> => {
    if (!stdin.write(chunk)) await new Promise<void>((resolve) => stdin.once('drain', resolve));
  };
  const data = (text: string): Buffer => {
    const bytes = Buffer.from(text, 'utf8');
    return Buffer.concat([Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from('\n')]);
  };
  try {
    await write(Buffer.concat([Buffer.from(`commit ${scratch}\ncommitter ${ident}\n`), data(message), Buffer.from(tip === '' ? '' : `from ${tip}\n`)]));
    for (const [sha, text] of notes) await write(Buffer.concat([Buffer.from(`N inline ${sha}\n`), data(text)]));
    stdin.end('\ndone\n');
    await exited;
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
