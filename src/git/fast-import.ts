import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GitError } from '../kernel/errors.js';
import { exitOf, GitRunner } from './runner.js';
import type { Identity } from './types.js';

export interface Signature extends Identity {
  /** Seconds since the epoch. */
  time: number;
  /** `+0000` form; defaults to UTC. */
  offset?: string;
}

export interface ImportCommit {
  /** Branch the commit is on; defaults to `refs/heads/main`. */
  ref?: string;
  author: Signature;
  /** Defaults to the author. */
  committer?: Signature;
  /** Raw bytes are written as they are: that is how a non-UTF-8 message is made. */
  message: string | Buffer;
  /** Value of the commit's `encoding` header, for messages in a legacy encoding. */
  encoding?: string;
  /** Indexes of earlier commits in the same list; defaults to the previous commit on the same ref. */
  parents?: number[];
  /** Parents already in the repository, by commit id (to continue an existing history). */
  parentShas?: string[];
  /** Path → new content, or null to delete. */
  files?: Record<string, string | Buffer | null>;
  /** Notes ref (`refs/notes/aiprov`) → note text to attach to this commit. */
  notes?: Record<string, string>;
}

/**
 * Writes a history with `git fast-import`: deterministic (same input, same
 * commit ids), and fast enough to build the 100,000-commit benchmark
 * repository in seconds. Returns the commit ids in input order.
 */
export async function importHistory(dir: string, commits: Iterable<ImportCommit>): Promise<string[]> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'aiprov-import-'));
  const marksFile = path.join(work, 'marks');
  const args = ['fast-import', '--quiet', '--done', '--date-format=raw', `--export-marks=${marksFile}`];
  const git = new GitRunner(dir);
  const child = git.spawn(args, ['pipe', 'ignore', 'pipe']);
  const exited = exitOf(child, args);
  const stdin = child.stdin;
  if (!stdin) throw new GitError('GIT_FAILED', 'git fast-import started without an input pipe');
  const write = async (chunk: string | Buffer): Promise<void> => {
    if (!stdin.write(chunk)) await new Promise<void>((resolve) => stdin.once('drain', resolve));
  };
  const notes = new Map<string, { mark: number; text: string }[]>();
  const lastOnRef = new Map<string, number>();
  let count = 0;
  try {
    for (const commit of commits) {
      const mark = ++count;
      const ref = commit.ref ?? 'refs/heads/main';
      const parts: (string | Buffer)[] = [`commit ${ref}\nmark :${mark}\n`];
      parts.push(`author ${sig(commit.author)}\ncommitter ${sig(commit.committer ?? commit.author)}\n`);
      if (commit.encoding) parts.push(`encoding ${commit.encoding}\n`);
      parts.push(...data(commit.message));
      const parents = [
        ...(commit.parents?.map((i) => `:${i + 1}`) ?? (lastOnRef.has(ref) ? [`:${lastOnRef.get(ref) ?? 0}`] : [])),
        ...(commit.parentShas ?? []),
      ];
      parents.forEach((p, i) => parts.push(`${i === 0 ? 'from' : 'merge'} ${p}\n`));
      for (const [file, content] of Object.entries(commit.files ?? {})) {
        if (content === null) parts.push(`D ${quote(file)}\n`);
        else parts.push(`M 100644 inline ${quote(file)}\n`, ...data(content));
      }
      parts.push('\n');
      await write(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))));
      lastOnRef.set(ref, mark);
      for (const [notesRef, text] of Object.entries(commit.notes ?? {})) {
        const list = notes.get(notesRef) ?? [];
        list.push({ mark, text });
        notes.set(notesRef, list);
      }
    }
    const when = '1700000000 +0000';
    for (const [notesRef, list] of notes) {
      // An existing notes ref is continued, not replaced.
      const tip = (await git.text(['rev-parse', '--verify', '--quiet', `${notesRef}^{commit}`]).catch(() => '')).trim();
      let block = `commit ${notesRef}\ncommitter aiprov <aiprov@localhost> ${when}\ndata 0\n${tip ? `from ${tip}\n` : ''}`;
      for (const { mark, text } of list) block += `N inline :${mark}\n${data(text).map(String).join('')}`;
      await write(block + '\n');
    }
    stdin.end('done\n');
    await exited.catch((error: unknown) => {
      throw new GitError('GIT_FAILED', `${(error as Error).message} (in ${dir})`, { cause: error });
    });
    const marks = await readFile(marksFile, 'utf8');
    const shas: string[] = new Array<string>(count);
    for (const line of marks.split('\n')) {
      const m = /^:(\d+) ([0-9a-f]+)$/.exec(line);
      if (m) shas[Number(m[1]) - 1] = m[2] ?? '';
    }
    return shas;
  } finally {
    if (child.exitCode === null) child.kill();
    await rm(work, { recursive: true, force: true });
  }
}

function sig(s: Signature): string {
  return `${s.name} <${s.email}> ${s.time} ${s.offset ?? '+0000'}`;
}

function data(content: string | Buffer): (string | Buffer)[] {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return [`data ${bytes.length}\n`, bytes, '\n'];
}

function quote(file: string): string {
  return /[\s"\\]/.test(file) ? JSON.stringify(file) : file;
}

/** A new repository in `dir` (created if absent) holding `commits`, with `checkout`'s tree in its work tree. */
export async function createRepository(dir: string, commits: Iterable<ImportCommit>, checkout = 'main'): Promise<string[]> {
  const git = new GitRunner(dir);
  await git.text(['init', '--quiet', `--initial-branch=${checkout}`, dir]);
  const shas = await importHistory(dir, commits);
  await git.text(['reset', '--quiet', '--hard', checkout]);
  return shas;
}
